import { Testing } from "cdktf";
import { Image } from "@cdktf/provider-docker/lib/image";
import { DockerDatabase, DockerDatabaseProps } from "../../../constructs/docker/database";
import { databaseUrl } from "../../../constructs/parts";
import { containerNamed, labelsOf, networkName, networkStack, networksOf, variablesOf } from "../../support/docker-parts";
import { resourcesOf, synthesize } from "../../support/synthesized";

// DockerDatabase alone: Postgres in a container on the internal network, its data in a volume of its major.
function build(props: Partial<Omit<DockerDatabaseProps, "network">> = {}) {
  const { stack, network } = networkStack();
  const db = new DockerDatabase(stack, "database", { name: "shop", image: "postgres:17.6", postgres: 17, network, ...props });
  const { json, values } = synthesize(stack, { host: db.host, password: db.password, url: databaseUrl(db), volume: db.volume });
  return { db, json, values, postgres: containerNamed(json, "shop-postgres") };
}

describe("left to its defaults", () => {
  const { db, json, values, postgres } = build();

  test("the image asked for, kept on destroy; the container labelled as the environment's postgres", () => {
    expect(json).toHaveResourceWithProperties(Image, { name: "postgres:17.6", keep_locally: true });
    expect(postgres.image).toBe(`\${docker_image.${resourcesOf(json, "docker_image")[0][0]}.image_id}`);
    expect(labelsOf(postgres)).toEqual({ environment: "shop", role: "postgres" });
  });

  test("on the internal network only, reached as postgres:5432, no host port", () => {
    expect(postgres.networks_advanced).toEqual([{ name: networkName(json, "internal"), aliases: ["postgres"] }]);
    expect(postgres.ports).toBeUndefined();
    expect(db).toMatchObject({ host: "postgres", port: 5432, database: "app", user: "app", sslmode: "disable", major: 17 });
  });

  test("a generated password (letters and digits, safe in a URL), given to Postgres and in the URL the app gets", () => {
    const [id, password] = resourcesOf(json, "random_password")[0];
    expect(password).toEqual({ length: 32, special: false });
    expect(values.password).toBe(`\${random_password.${id}.result}`);
    expect(variablesOf(postgres)).toEqual({ POSTGRES_USER: "app", POSTGRES_DB: "app", POSTGRES_PASSWORD: values.password });
    expect(values.url).toBe(`postgres://app:${values.password}@postgres:5432/app?sslmode=disable`);
  });

  test("its data in the volume of its major, kept on destroy: no volume resource, a removed block for one", () => {
    expect(values.volume).toBe("shop-pgdata-17");
    expect(postgres.volumes).toEqual([{ volume_name: "shop-pgdata-17", container_path: "/var/lib/postgresql/data" }]);
    expect(resourcesOf(json, "docker_volume")).toEqual([]);
    expect(JSON.parse(json).removed).toEqual([{ from: expect.stringMatching(/^docker_volume\.database_data_/), lifecycle: { destroy: false } }]);
  });

  test("created once pg_isready answers; stopped with SIGINT (fast shutdown), given a minute", () => {
    expect(postgres.healthcheck.test).toEqual(["CMD", "pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432", "-U", "app", "-d", "app"]);
    expect(postgres).toMatchObject({ wait: true, stop_signal: "SIGINT", destroy_grace_seconds: 60, restart: "unless-stopped" });
  });
});

test("each major has its own volume; 15's keeps its name from before majors were in it", () => {
  expect(build({ postgres: 16, image: "postgres:16.10" }).values.volume).toBe("shop-pgdata-16");
  expect(build({ postgres: 15, image: "postgres:15.14" }).values.volume).toBe("shop-pgdata");
});

test("protect false: the volume is a labelled resource, which destroy deletes", () => {
  const { json, values, postgres } = build({ protect: false });
  const [id, volume] = resourcesOf(json, "docker_volume")[0];
  expect(volume).toEqual({ name: "shop-pgdata-17", labels: [{ label: "io.portable-backend.environment", value: "shop" }] });
  expect(values.volume).toBe(`\${docker_volume.${id}.name}`);
  expect(postgres.volumes[0].volume_name).toBe(values.volume);
  expect(JSON.parse(json).removed).toBeUndefined();
});

test("published on a private address (for apps on other hosts): there it is reached, the edge network carries the port", () => {
  const { db, json, postgres } = build({ publishOn: "10.0.1.10" });
  expect(db.host).toBe("10.0.1.10");
  expect(postgres.ports).toEqual([{ internal: 5432, external: 5432, ip: "10.0.1.10" }]);
  expect(networksOf(postgres)).toEqual([networkName(json, "internal"), networkName(json, "edge")]);
});

test("a volume of the caller's: used as it is, no volume made or forgotten", () => {
  const { json, values, postgres } = build({ volume: "restored-pgdata", protect: false });
  expect(values.volume).toBe("restored-pgdata");
  expect(postgres.volumes[0].volume_name).toBe("restored-pgdata");
  expect(resourcesOf(json, "docker_volume")).toEqual([]);
  expect(JSON.parse(json).removed).toBeUndefined();
});

test("the environment's name is in its container's and volume's names, so two environments share an engine", () => {
  const { stack, network } = networkStack();
  new DockerDatabase(stack, "a", { name: "shop", image: "postgres:17.6", postgres: 17, network });
  new DockerDatabase(stack, "b", { name: "shop-staging", image: "postgres:17.6", postgres: 17, network });
  const json = Testing.synth(stack);
  expect(containerNamed(json, "shop-staging-postgres").volumes[0].volume_name).toBe("shop-staging-pgdata-17");
  expect(labelsOf(containerNamed(json, "shop-staging-postgres")).environment).toBe("shop-staging");
});
