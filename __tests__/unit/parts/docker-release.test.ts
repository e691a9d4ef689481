import { Testing } from "cdktf";
import { Image } from "@cdktf/provider-docker/lib/image";
import { DockerHost } from "../../../constructs/docker/host";
import { DockerRelease, DockerReleaseProps, readyChecks } from "../../../constructs/docker/release";
import { DockerWorkers } from "../../../constructs/docker/workers";
import { AppEnvironment } from "../../../constructs/app-environment";
import { containerNamed, containersOf, labelsOf, networkName, networkStack, networksOf, variablesOf } from "../../support/docker-parts";
import { resourcesOf } from "../../support/synthesized";

// DockerRelease (and DockerWorkers, its containers that serve nothing) alone: one release of the app,
// its release command first, every container named with the release's id.
const APP: AppEnvironment = { plain: { LOG_LEVEL: "info" }, secret: { DATABASE_URL: "postgres://app:pw@postgres:5432/app" }, port: 8000 };
const READY = ["READY_POSTGRES=postgres:5432"];

function build(props: Partial<Omit<DockerReleaseProps, "networks">> = {}, more?: (release: DockerRelease, stack: any) => void) {
  const { stack, network } = networkStack();
  const release = new DockerRelease(stack, "release", {
    name: "shop", image: "acme/api:1.4.2", toolsImage: "portable-backend/backup:1", variables: APP, networks: [network.internal, network.edge], ready: READY,
    releaseCommand: { command: ["alembic", "upgrade", "head"], declaredIn: "environments/shop.ts" }, ...props,
  });
  more?.(release, stack);
  const json = Testing.synth(stack);
  const [idResource, id] = resourcesOf(json, "random_id")[0];
  return { release, json, hex: `\${random_id.${idResource}.hex}`, keepers: id.keepers.release as string };
}
const imageRef = (json: string, name: string) => `\${docker_image.${resourcesOf(json, "docker_image").find(([, i]) => i.name === name)![0]}.image_id}`;

describe("with what it waits for and a release command", () => {
  const { release, json, hex } = build({}, (r, stack) => r.container(stack, "replica", { name: "shop-app-1", role: "app", port: true, command: ["serve"] }));
  const ready = containerNamed(json, "shop-ready");
  const command = containerNamed(json, "shop-release");
  const replica = containerNamed(json, "shop-app-1");

  test("each container is named with the release's id, a 4-byte random id", () => {
    expect(resourcesOf(json, "random_id")[0][1].byte_length).toBe(4);
    expect([ready.name, command.name, replica.name]).toEqual([`shop-ready-${hex}`, `shop-release-${hex}`, `shop-app-1-${hex}`]);
  });

  test("the app's image, found or pulled and kept; the port it is given", () => {
    expect(json).toHaveResourceWithProperties(Image, { name: "acme/api:1.4.2", keep_locally: true });
    expect(release.port).toBe(8000);
  });

  test("first, the ready step: the tools image's `ready` with the checks, on the app's networks, replaced create before destroy", () => {
    expect(ready).toMatchObject({ image: imageRef(json, "portable-backend/backup:1"), entrypoint: ["ready"], env: READY, restart: "no", attach: true, lifecycle: expect.objectContaining({ create_before_destroy: true }) });
    expect(networksOf(ready)).toEqual([networkName(json, "internal"), networkName(json, "edge")]);
    expect(labelsOf(ready)).toEqual({ environment: "shop", role: "ready" });
    expect(ready.lifecycle.postcondition[0].error_message).toMatch(/^What the release uses \(the database, the bucket, the cache\) did not answer, so the new version was not started and the previous one keeps serving: /);
  });

  test("then the release command, once: the release's image and variables (no PORT), failing with the command and where it is declared", () => {
    expect(command).toMatchObject({ image: imageRef(json, "acme/api:1.4.2"), command: ["alembic", "upgrade", "head"], restart: "no" });
    expect(variablesOf(command)).toEqual({ LOG_LEVEL: "info", DATABASE_URL: "postgres://app:pw@postgres:5432/app" });
    expect(command.depends_on).toEqual([expect.stringMatching(/^docker_container\.release_ready_/)]);
    expect(labelsOf(command)).toEqual({ environment: "shop", role: "release" });
    expect(command.lifecycle.postcondition[0].error_message).toMatch(/^The release command \(\["alembic","upgrade","head"\] from environments\/shop\.ts\) failed, so the new version was not started/);
  });

  test("its long-running containers start after the release command, with PORT, create before destroy", () => {
    expect(replica).toMatchObject({ image: imageRef(json, "acme/api:1.4.2"), command: ["serve"], restart: "unless-stopped", lifecycle: { create_before_destroy: true } });
    expect(variablesOf(replica)).toEqual({ PORT: "8000", LOG_LEVEL: "info", DATABASE_URL: "postgres://app:pw@postgres:5432/app" });
    expect(replica.depends_on).toEqual([expect.stringMatching(/^docker_container\.release_command_/)]);
    expect(labelsOf(replica)).toEqual({ environment: "shop", role: "app" });
  });
});

test("nothing to wait for and no release command: the containers depend on nothing of the release, no tools image", () => {
  const { json } = build({ ready: [], releaseCommand: undefined }, (r, stack) => r.container(stack, "replica", { name: "shop-app-1", role: "app", port: true }));
  expect(Object.values(containersOf(json)).map((c) => c.name)).toEqual([expect.stringMatching(/^shop-app-1-/)]);
  expect(containerNamed(json, "shop-app-1").depends_on).toEqual([]);
  expect(resourcesOf(json, "docker_image").map(([, i]) => i.name)).toEqual(["acme/api:1.4.2"]);
});

test("without a release command the containers start once the ready step passed", () => {
  const { json } = build({ releaseCommand: undefined }, (r, stack) => r.container(stack, "replica", { name: "shop-app-1", role: "app", port: true }));
  expect(containerNamed(json, "shop-app-1").depends_on).toEqual([expect.stringMatching(/^docker_container\.release_ready_/)]);
});

test("a new release id whenever what any container of it is made from changes: the app's variables, its data volume, a container's settings", () => {
  const base = build({ data: "shop-pgdata-17" }).keepers;
  expect(build({ data: "shop-pgdata-17" }).keepers).toBe(base);
  expect(build({ data: "shop-pgdata-18" }).keepers).not.toBe(base);
  expect(build({ data: "shop-pgdata-17", variables: { ...APP, plain: { LOG_LEVEL: "debug" } } }).keepers).not.toBe(base);
  expect(build({ data: "shop-pgdata-17" }, (r, stack) => r.container(stack, "replica", { name: "shop-app-1", role: "app", port: true })).keepers).not.toBe(base);
  expect(JSON.parse(base)).toEqual([{ data: "shop-pgdata-17" }, expect.objectContaining({ command: ["alembic", "upgrade", "head"] })]);
});

test("a container on another engine (a DockerHost) runs the app's image pulled there", () => {
  const { json } = build({}, (r, stack) => {
    const host = new DockerHost(stack, "app-2", { url: "ssh://deploy@10.0.0.2", knownHosts: "10.0.0.2 ssh-ed25519 AAAA" });
    r.container(host, "replica", { name: "shop-app-2", role: "app", port: true });
  });
  const images = resourcesOf(json, "docker_image").filter(([, i]) => i.name === "acme/api:1.4.2");
  expect(images.map(([, i]) => i.provider).sort()).toEqual(["docker.app-2", undefined]);
  const [there] = images.find(([, i]) => i.provider === "docker.app-2")!;
  expect(containerNamed(json, "shop-app-2")).toMatchObject({ image: `\${docker_image.${there}.image_id}`, provider: "docker.app-2" });
});

describe("DockerWorkers", () => {
  const { json, hex } = build({}, (release, stack) => new DockerWorkers(stack, "workers", {
    name: "shop", release, workers: { mail: { command: ["worker", "mail"], replicas: 2 }, reports: { command: ["worker", "reports"] } },
  }));

  test("each replica of each worker a container of the release (one by default), named after the worker", () => {
    expect(Object.values(containersOf(json)).map((c) => c.name).filter((n) => n.includes("worker")).sort())
      .toEqual([`shop-worker-mail-1-${hex}`, `shop-worker-mail-2-${hex}`, `shop-worker-reports-1-${hex}`]);
  });

  test("running its command with the app's variables but no PORT, on the release's networks, after the release command", () => {
    const mail = containerNamed(json, "shop-worker-mail-2");
    expect(mail).toMatchObject({ command: ["worker", "mail"], restart: "unless-stopped", wait: false });
    expect(variablesOf(mail).PORT).toBeUndefined();
    expect(networksOf(mail)).toEqual([networkName(json, "internal"), networkName(json, "edge")]);
    expect(mail.ports).toBeUndefined();
    expect(mail.depends_on).toEqual([expect.stringMatching(/^docker_container\.release_command_/)]);
    expect(labelsOf(mail)).toEqual({ environment: "shop", role: "worker" });
  });

  test("no workers, no containers", () => {
    const { json } = build({}, (release, stack) => new DockerWorkers(stack, "workers", { name: "shop", release, workers: {} }));
    expect(Object.values(containersOf(json)).map((c) => c.name).filter((n) => n.includes("worker"))).toEqual([]);
  });
});

describe("readyChecks", () => {
  const db = { host: "postgres", port: 5432, database: "app", user: "app", password: "pw", sslmode: "disable" as const };
  const bucket = { name: "shop-data", endpoint: "http://objectstore:7070", region: "us-east-1", accessKeyId: "AK", secretAccessKey: "SK" };

  test("Postgres answering (and of its major, with a login), the bucket (with the S3 client's variables), the cache's port", () => {
    expect(readyChecks({ db: { ...db, major: 17 }, bucket, cache: { host: "cache", port: 6379, password: "x", tls: false } })).toEqual([
      "READY_POSTGRES=postgres:5432", "READY_POSTGRES_MAJOR=17", "PGUSER=app", "PGPASSWORD=pw", "PGDATABASE=app",
      "READY_BUCKET=shop-data", "S3_ENDPOINT=http://objectstore:7070", "S3_REGION=us-east-1", "S3_ACCESS_KEY_ID=AK", "S3_SECRET_ACCESS_KEY=SK",
      "READY_TCP=cache:6379",
    ]);
  });

  test("a database of no known major is only waited for; nothing used, nothing to wait for", () => {
    expect(readyChecks({ db })).toEqual(["READY_POSTGRES=postgres:5432"]);
    expect(readyChecks({})).toEqual([]);
  });
});
