import { Testing, TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Container } from "@cdktf/provider-docker/lib/container";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { EnvironmentError, PortableBackend, PortableBackendProps } from "../../index";
import { HetznerMachinesStack } from "../../constructs/hetzner/machines-stack";
import { VALID_HETZNER } from "../support/valid-environment";

// The construct in a stack of one's own (not an environment file's): what it adds there, and what it refuses.

const DOCKER: PortableBackendProps = {
  provider: "docker", residency: "eu", location: "de",
  host: { url: "unix:///var/run/docker.sock" },
  images: { postgres: "portable-backend/postgres:17", objectStore: "o:1", proxy: "p:1", backup: "b:1" },
  service: { image: "ghcr.io/acme/api:1.4.2" },
  database: {}, backups: { retentionDays: 7 },
};

const stackOf = (id = "mine") => new TerraformStack(Testing.app(), id);

test("its names come from its id unless `name` says, its defaults are the environment file's, and its attributes wire", () => {
  const stack = stackOf();
  const api = new PortableBackend(stack, "api", DOCKER);
  const named = new PortableBackend(stackOf(), "x", { ...DOCKER, name: "shop" });
  expect(api.environment).toMatchObject({ name: "api", protect: true, bucket: { versioning: false }, service: { replicas: 1, port: 8080 } });
  expect(named.environment.name).toBe("shop");
  expect(api.database).toMatchObject({ host: "postgres", port: 5432, database: "app", user: "app" });
  expect(api.cache).toBeUndefined();
  expect(api.stacksBefore).toEqual([]);
  expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, { name: "api-postgres" });
});

test("it adds its providers to the stack, pinned to the mirror's builds, and refuses a second one of a type", () => {
  const stack = stackOf();
  new PortableBackend(stack, "api", DOCKER);
  const out = JSON.parse(Testing.synth(stack));
  expect(Object.keys(out.provider).sort()).toEqual(["docker", "random"]);
  expect(out.terraform.required_providers.docker.version).toBe("4.6.0");

  const twice = stackOf();
  new DockerProvider(twice, "my-docker", { host: "ssh://deploy@203.0.113.10" });
  new PortableBackend(twice, "api", DOCKER);
  expect(() => Testing.synth(twice, true)).toThrow(/stack mine has 2 "docker" providers \(mine\/my-docker, mine\/docker\)/);
});

test("the residency policy judges everything inside it, and a violation fails synth with path, attribute and value", () => {
  const stack = stackOf();
  const api = new PortableBackend(stack, "api", DOCKER);
  new StorageBucket(api, "stray", { name: "stray", location: "US" });
  expect(() => Testing.synth(stack, true)).toThrow(/residency policy "eu": mine\/api\/stray: location = "US"/);
});

test("invalid props throw an EnvironmentError naming the construct's path and every field", () => {
  const attempt = () => new PortableBackend(stackOf("web"), "api", { ...DOCKER, location: "us", service: { image: "api:latest" } });
  expect(attempt).toThrow(EnvironmentError);
  expect(attempt).toThrow(/PortableBackend web\/api: 2 problems[\s\S]*- service\.image: "api:latest"[\s\S]*- location: "us"/);
  expect(() => new PortableBackend(stackOf(), "Api", DOCKER)).toThrow(/- name: "Api" — lower-case letters/);
});

test("on Hetzner it adds the machines' stack beside the one it is in, which then depends on it", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "web");
  const { state: _state, ...hetzner } = VALID_HETZNER;
  const api = new PortableBackend(stack, "api", hetzner as PortableBackendProps);
  expect(api.stacksBefore).toHaveLength(1);
  expect(api.stacksBefore[0]).toBeInstanceOf(HetznerMachinesStack);
  expect(api.stacksBefore[0].node.id).toBe("api");
  expect(stack.dependencies).toContain(api.stacksBefore[0]);
});
