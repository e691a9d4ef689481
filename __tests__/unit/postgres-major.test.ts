import { Testing } from "cdktf";
import { BackendStack, environmentStacks } from "../../constructs/backend-stack";
import { localImages, postgresImages, postgresMajorOfImage } from "../../images/catalog";
import { DEFAULT_POSTGRES_MAJOR, POSTGRES_MAJORS, validateEnvironment } from "../../lib/environment";
import { shippedEnvironments } from "../support/shipped-environments";
import { VALID_HETZNER } from "../support/valid-environment";

// Which Postgres major an environment gets, and where a Docker or Hetzner database keeps it: the default is the
// newest major both Cloud SQL and the project's images provide, and each major has a data volume of its own, so a
// deploy of another major never starts on (or touches) the old one's data (README "Upgrading Postgres").

const FILE = "environments/acme.ts";
const DOCKER = {
  provider: "docker", residency: "eu", location: "de", host: { url: "unix:///var/run/docker.sock" },
  service: { image: localImages.app }, database: {}, backups: { retentionDays: 7 }, state: { backend: "local" },
  images: { postgres: localImages.postgres, objectStore: localImages.objectstore, proxy: localImages.proxy, backup: localImages.backup },
};
const ON_15 = { database: { postgres: 15 }, images: { ...DOCKER.images, postgres: localImages.postgres15 } };

const synth = (raw: Record<string, unknown>) => JSON.parse(Testing.synth(new BackendStack(Testing.app(), validateEnvironment(raw, FILE))));
const postgresContainer = (json: any) => {
  const found = Object.values<any>(json.resource.docker_container).filter((c) => c.name === "acme-postgres");
  expect(found).toHaveLength(1);
  return found[0];
};
const volumeOf = (json: any) => postgresContainer(json).volumes.map((v: any) => [v.volume_name, v.container_path]);
const imageOf = (json: any) => Object.values<any>(json.resource.docker_image).map((i) => i.name).filter((n: string) => n.includes("postgres"));

test("the default is the newest major both targets provide: Cloud SQL's newest allowed one and the project's postgres image", () => {
  expect(DEFAULT_POSTGRES_MAJOR).toBe(Math.max(...POSTGRES_MAJORS));
  expect(postgresMajorOfImage(localImages.postgres)).toBe(DEFAULT_POSTGRES_MAJOR);
  // every Postgres image of the catalog carries its major in its tag
  for (const [major, name] of Object.entries(postgresImages)) expect(postgresMajorOfImage(localImages[name])).toBe(Number(major));
});

test("a tag's major: the number that starts the tag, not a registry's port; none for a digest or a word", () => {
  expect(postgresMajorOfImage("registry.example:5000/acme/postgres:16")).toBe(16);
  expect(postgresMajorOfImage("postgres:15.8-bookworm")).toBe(15);
  expect(postgresMajorOfImage("registry.example:5000/acme/postgres:stable")).toBeUndefined();
  expect(postgresMajorOfImage(`postgres:17@sha256:${"a".repeat(64)}`)).toBeUndefined();
});

test("the shipped environments are on the default major, and each Docker or Hetzner one runs that major's image", () => {
  for (const env of shippedEnvironments()) {
    expect({ env: env.name, postgres: env.database && env.database.postgres }).toEqual({ env: env.name, postgres: DEFAULT_POSTGRES_MAJOR });
    if (env.provider !== "gcp") expect({ env: env.name, image: env.images.postgres }).toEqual({ env: env.name, image: localImages.postgres });
  }
});

describe("Docker: a data volume per major", () => {
  test("left out, database.postgres is 17: the 17 image on <env>-pgdata-17", () => {
    const json = synth(DOCKER);
    expect(imageOf(json)).toEqual([localImages.postgres]);
    expect(volumeOf(json)).toEqual([["acme-pgdata-17", "/var/lib/postgresql/data"]]);
  });

  test("15 keeps the volume its deployments have had since before the major was in the name", () => {
    const json = synth({ ...DOCKER, ...ON_15 });
    expect(imageOf(json)).toEqual([localImages.postgres15]);
    expect(volumeOf(json)).toEqual([["acme-pgdata", "/var/lib/postgresql/data"]]);
  });

  test("without protect the volume is a resource, named after the major too", () => {
    const json = synth({ ...DOCKER, protect: false });
    expect(Object.values<any>(json.resource.docker_volume).map((v) => v.name)).toContain("acme-pgdata-17");
    expect(volumeOf(json)[0][0]).toMatch(/^\$\{docker_volume\.[\w-]+\.name\}$/);
  });
});

test("Hetzner: the data server's Postgres is the Docker one, with the same volume per major on the server's volume", () => {
  const hetzner = (overrides: Record<string, unknown>) => {
    const [, containers] = environmentStacks(Testing.app(), validateEnvironment({ ...VALID_HETZNER, ...overrides }, FILE)).map((s) => JSON.parse(Testing.synth(s)));
    return containers;
  };
  const on17 = hetzner({ database: { size: "cx23" } });
  expect(volumeOf(on17)).toEqual([["acme-pgdata-17", "/var/lib/postgresql/data"]]);
  expect(postgresContainer(on17).provider).toBe("docker.data");
  const on15 = hetzner({ database: { size: "cx23", postgres: 15 }, images: { ...VALID_HETZNER.images, postgres: "ghcr.io/acme/postgres:15" } });
  expect(volumeOf(on15)).toEqual([["acme-pgdata", "/var/lib/postgresql/data"]]);
});

test("Google Cloud: left out, Cloud SQL runs POSTGRES_17; a file's major is taken as it is", () => {
  const gcp = (database: Record<string, unknown>) => synth({
    provider: "gcp", residency: "eu", location: "europe-west3", project: "acme-prod-4711",
    service: { image: "europe-west3-docker.pkg.dev/acme-prod-4711/apps/api:1.4.2" }, database, backups: { retentionDays: 7 }, state: { backend: "local" },
  });
  const version = (json: any) => Object.values<any>(json.resource.google_sql_database_instance).map((i) => i.database_version);
  expect(version(gcp({}))).toEqual(["POSTGRES_17"]);
  expect(version(gcp({ postgres: 16 }))).toEqual(["POSTGRES_16"]);
});

describe("a release runs against its major's data", () => {
  const release = (raw: Record<string, unknown>) => {
    const json = synth({ ...raw, service: { image: localImages.app, release: { command: ["migrate"] } } });
    const ready = Object.values<any>(json.resource.docker_container).find((c) => c.entrypoint?.[0] === "ready");
    const keepers = JSON.parse((Object.values<any>(json.resource.random_id)[0]).keepers.release);
    return { ready: ready.env as string[], keepers };
  };

  test("another major is a new release: its release command (the app's migrations) runs on the new, empty database", () => {
    const on17 = release(DOCKER);
    const on15 = release({ ...DOCKER, ...ON_15 });
    expect(on17.keepers).toContainEqual({ data: "acme-pgdata-17" });
    expect(on15.keepers).toContainEqual({ data: "acme-pgdata" });
    expect(on17.keepers.filter((k: any) => !k.data)).toEqual(on15.keepers.filter((k: any) => !k.data));
  });

  test("its ready step waits for a server of that major (the old one answers until Terraform replaces it), logging in as the app", () => {
    expect(release(DOCKER).ready).toEqual(expect.arrayContaining(["READY_POSTGRES=postgres:5432", "READY_POSTGRES_MAJOR=17", "PGUSER=app", "PGDATABASE=app"]));
    expect(release({ ...DOCKER, ...ON_15 }).ready).toContain("READY_POSTGRES_MAJOR=15");
  });
});
