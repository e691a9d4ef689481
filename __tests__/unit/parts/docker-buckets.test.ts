import { Testing } from "cdktf";
import { Construct } from "constructs";
import { DockerBuckets, DockerBucketsProps, s3ClientEnv } from "../../../constructs/docker/bucket";
import { containerNamed, labelsOf, networkName, networkStack, variablesOf } from "../../support/docker-parts";
import { resourcesOf, synthesize } from "../../support/synthesized";

// DockerBuckets alone: one S3 server per environment on the internal network, holding its buckets.
function build(props: Partial<Omit<DockerBucketsProps, "network">> = {}) {
  const { stack, network } = networkStack();
  const store = DockerBuckets.of(stack, { name: "shop", image: "portable-backend/versitygw:1.0.16-1", network, ...props });
  return { stack, network, store };
}

describe("left to its defaults", () => {
  const { store, stack } = build();
  const { json, values } = synthesize(stack, { accessKeyId: store.accessKeyId, secretAccessKey: store.secretAccessKey });
  const server = containerNamed(json, "shop-objectstore");

  test("holds the app's bucket and the dumps' bucket, named after the environment", () => {
    expect(store).toMatchObject({ dataBucket: "shop-data", backupBucket: "shop-backups" });
    expect(store.bucket()).toMatchObject({ name: "shop-data", endpoint: "http://objectstore:7070", region: "us-east-1" });
  });

  test("on the internal network only, as objectstore; created once its health endpoint answers", () => {
    expect(server.networks_advanced).toEqual([{ name: networkName(json, "internal"), aliases: ["objectstore"] }]);
    expect(server.ports).toBeUndefined();
    expect(labelsOf(server)).toEqual({ environment: "shop", role: "objectstore" });
    expect(server).toMatchObject({ wait: true, healthcheck: expect.objectContaining({ test: ["CMD", "/usr/local/bin/httpcheck", "http://127.0.0.1:7070/health"] }) });
  });

  test("generated keys (an upper-case id, a longer secret), the server's root and what its clients sign with", () => {
    const passwords = Object.fromEntries(resourcesOf(json, "random_password"));
    const [idKey] = Object.entries(passwords).find(([, p]) => p.length === 20)!;
    expect(passwords[idKey]).toEqual({ length: 20, special: false, lower: false });
    expect(values.accessKeyId).toBe(`\${random_password.${idKey}.result}`);
    expect(variablesOf(server)).toEqual({ ROOT_ACCESS_KEY: values.accessKeyId, ROOT_SECRET_KEY: values.secretAccessKey, VGW_REGION: "us-east-1" });
    expect(store.clientEnv()).toEqual(s3ClientEnv(store));
    expect(s3ClientEnv(store)).toEqual([
      "S3_ENDPOINT=http://objectstore:7070", "S3_REGION=us-east-1", `S3_ACCESS_KEY_ID=${store.accessKeyId}`, `S3_SECRET_ACCESS_KEY=${store.secretAccessKey}`,
    ]);
  });

  test("its objects in <name>-objects, kept on destroy", () => {
    expect(server.volumes).toEqual([{ volume_name: "shop-objects", container_path: "/data" }]);
    expect(resourcesOf(json, "docker_volume")).toEqual([]);
  });
});

test("one store per environment: made by the part that asks first, the same one for the next", () => {
  const { stack, network, store } = build();
  expect(DockerBuckets.of(stack, { name: "shop", image: "other", network })).toBe(store);
  expect(resourcesOf(Testing.synth(stack), "docker_container")).toHaveLength(1);
  // In another scope (another backend), another store.
  expect(DockerBuckets.of(new Construct(stack, "elsewhere"), { name: "shop", image: "other", network })).not.toBe(store);
});

test("without the app's bucket (bucket: false) it holds the dumps only, and asking for the bucket fails", () => {
  const { store } = build({ dataBucket: false });
  expect(store).toMatchObject({ dataBucket: undefined, backupBucket: "shop-backups" });
  expect(() => store.bucket()).toThrow("this environment has no bucket (bucket: false)");
});

test("without a database there is no dumps' bucket", () => {
  expect(build({ backupBucket: false }).store).toMatchObject({ dataBucket: "shop-data", backupBucket: undefined });
});

test("protect false: its volume is a resource destroy deletes", () => {
  const { stack } = build({ protect: false });
  const json = Testing.synth(stack);
  expect(resourcesOf(json, "docker_volume").map(([, v]) => v.name)).toEqual(["shop-objects"]);
});
