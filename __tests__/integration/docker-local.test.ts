import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import execa from "execa";
import { dockerNames, ROLE_LABEL } from "../../constructs/docker/names";
import { cdktf, containersOf, docker, environmentVariant, getJson, npmRun, psql, removeLeftovers, requireDocker } from "./docker";
import { ROOT, terraform } from "./helpers";
import { DEFAULT_POSTGRES_MAJOR } from "../../lib/environment";
import { shippedEnvironment } from "../support/shipped-environments";

// The `local` environment deployed for real on this machine's Docker Engine, as a newcomer runs it.
jest.setTimeout(600_000);

const names = dockerNames("local");
/** Postgres' volume is its major's: the file's database.postgres (the default when left out). */
const local = shippedEnvironment("local");
const major = local.database ? local.database.postgres : DEFAULT_POSTGRES_MAJOR;
const HEALTH = "http://127.0.0.1:8080/healthz";
const STACK_DIR = join(ROOT, "cdktf.out", "stacks", "local");
const LOCK_FILE = join(ROOT, ".terraform.local.tfstate.lock.info");

const inspect = (container: string, format: string) => JSON.parse(docker(["inspect", "--format", `{{json ${format}}}`, container]));
const id = (container: string) => docker(["inspect", "--format", "{{.Id}}", container]);
/** The app's replicas (their names carry the release's id). */
const apps = () => docker(["ps", "--filter", "label=io.portable-backend.environment=local", "--filter", `label=${ROLE_LABEL}=app`, "--format", "{{.Names}}"]).split("\n").filter(Boolean).sort();

beforeAll(() => {
  requireDocker();
  removeLeftovers("local");
});

test("deploy from nothing: healthy through the proxy on 127.0.0.1, database and bucket reachable", async () => {
  const deploy = cdktf(["deploy", "local", "--auto-approve"]);
  expect(deploy.stderr + deploy.stdout).toContain("Apply complete!");
  // The outputs are the CLI's last frame, written as it exits.
  expect(deploy.stdout).toMatch(/service_url = http:\/\/127\.0\.0\.1:8080\s*$/);
  expect(deploy.exitCode).toBe(0);
  const health = await getJson(HEALTH);
  expect(health).toEqual({ status: 200, body: expect.objectContaining({ status: "ok", database: { reachable: true }, bucket: { reachable: true } }) });
  expect(apps()).toEqual([expect.stringMatching(/^local-app-1-[0-9a-f]{8}$/), expect.stringMatching(/^local-app-2-[0-9a-f]{8}$/)]);
  expect(containersOf("local")).toEqual([...apps(), names.backup, names.objectStore, names.postgres, names.proxy].sort());
});

test("only the proxy publishes ports, on the bind address; the database and store sit on the internal network", () => {
  for (const container of containersOf("local")) {
    const bindings = inspect(container, ".HostConfig.PortBindings") ?? {};
    if (container === names.proxy) {
      expect(bindings).toEqual({ "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "8080" }] });
    } else {
      expect({ container, bindings }).toEqual({ container, bindings: {} });
    }
  }
  for (const container of [names.postgres, names.objectStore, names.backup]) {
    expect(Object.keys(inspect(container, ".NetworkSettings.Networks"))).toEqual([names.internalNetwork]);
  }
  expect(inspect(names.internalNetwork, ".Internal")).toBe(true);
});

test("a second plan shows no changes", () => {
  const plan = cdktf(["plan", "local"]);
  expect(plan.exitCode).toBe(0);
  expect(plan.stdout).toContain("No changes. Your infrastructure matches the configuration.");
});

test("drift: clean after deploy; a container stopped and one removed outside Terraform are named (exit 2); clean again after deploy", () => {
  const drift = () => npmRun("drift", ["local"]);
  expect(drift().exitCode).toBe(0);

  docker(["stop", apps()[0]]);
  docker(["rm", "-f", names.backup]);
  const drifted = drift();
  expect(drifted.exitCode).toBe(2);
  expect(drifted.stdout).toMatch(/changed outside Terraform: docker_container\.app_service_app-1_\w+\n\s+must_run: true → false/);
  expect(drifted.stdout).toMatch(/deleted outside Terraform: docker_container\.app_backups_container_\w+/);
  const report = JSON.parse(readFileSync(join(ROOT, "cdktf.out", "drift-report.json"), "utf8"));
  expect(report.stacks).toEqual([expect.objectContaining({ stack: "local", status: "drifted", resources: expect.arrayContaining([
    expect.objectContaining({ type: "docker_container", action: "update", changes: [{ path: "must_run", before: true, after: false }] }),
    expect.objectContaining({ type: "docker_container", action: "delete" }),
  ]) })]);

  expect(cdktf(["deploy", "local", "--auto-approve"]).exitCode).toBe(0);
  const after = drift();
  expect({ code: after.exitCode, out: after.stdout }).toEqual({ code: 0, out: expect.stringContaining("local (docker): no drift") });
});

test("restore drill: a row survives backup, dropping the table, and restore", () => {
  const marker = `drill-${Date.now()}`;
  psql(names.postgres, "CREATE TABLE IF NOT EXISTS drill (id serial PRIMARY KEY, note text NOT NULL)");
  psql(names.postgres, `INSERT INTO drill (note) VALUES ('${marker}')`);

  const backup = npmRun("backup", ["local"]);
  expect(backup.exitCode).toBe(0);
  const key = /backups\/app-\d{8}T\d{6}Z\.dump/.exec(backup.stdout)?.[0];
  expect(key).toBeDefined();
  expect(npmRun("backup", ["local", "--list"]).stdout).toContain(key);

  psql(names.postgres, "DROP TABLE drill");
  expect(() => psql(names.postgres, "SELECT count(*) FROM drill")).toThrow(/does not exist/);

  const restore = npmRun("restore", ["local", "--from", key!]);
  expect(restore.exitCode).toBe(0);
  expect(psql(names.postgres, `SELECT note FROM drill WHERE note = '${marker}'`)).toBe(marker);
  // the database as it was before the restore (no table) was dumped first, into the same bucket
  const safety = /as it was before this restore: (backups\/app-\d{8}T\d{6}Z\.dump)/.exec(restore.stdout)?.[1];
  expect(safety).toBeDefined();
  expect(npmRun("backup", ["local", "--list"]).stdout).toContain(safety);
});

test("a new app image replaces the app, keeps the data; a concurrent deploy fails on the state lock", async () => {
  // A second app image that differs from the first only by a label.
  const image = "portable-backend/app:0.1.0-redeploy";
  execa.sync("docker", ["build", "-q", "-t", image, "-"], { input: `FROM portable-backend/app:0.1.0\nLABEL test.rebuilt="${Date.now()}"\n` });
  const marker = `redeploy-${Date.now()}`;
  psql(names.postgres, "CREATE TABLE IF NOT EXISTS drill (id serial PRIMARY KEY, note text NOT NULL)");
  psql(names.postgres, `INSERT INTO drill (note) VALUES ('${marker}')`);
  const before = { app: id(apps()[0]), postgres: id(names.postgres), store: id(names.objectStore) };

  const variant = environmentVariant("local", "local", `service: { ...base.service, image: ${JSON.stringify(image)}, env: { APP_VERSION: "0.1.0-redeploy" } }`);
  const first = execa("npx", ["cdktf", "deploy", "local", "--auto-approve"], {
    cwd: ROOT, reject: false, env: { ENVIRONMENTS_DIR: variant, CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0" },
  });
  // While the first deploy holds the state lock, a second apply must fail instead of writing state.
  await until(() => existsSync(LOCK_FILE), 300_000);
  const second = terraform(["apply", "-auto-approve", "-input=false", "-lock-timeout=0", "-no-color"], STACK_DIR);
  expect(second.exitCode).not.toBe(0);
  expect(second.stderr).toContain("Error acquiring the state lock");

  const result = await first;
  expect(result.exitCode).toBe(0);
  expect(apps().map(id)).not.toContain(before.app);
  expect({ postgres: id(names.postgres), store: id(names.objectStore) }).toEqual({ postgres: before.postgres, store: before.store });
  expect(psql(names.postgres, `SELECT note FROM drill WHERE note = '${marker}'`)).toBe(marker);
  expect((await getJson(HEALTH)).body).toMatchObject({ status: "ok", version: "0.1.0-redeploy" });

  // The state is whole: it parses, and the deployed variant plans clean.
  expect(JSON.parse(terraform(["show", "-json", "-no-color"], STACK_DIR).stdout).values.root_module.resources.length).toBeGreaterThan(10);
  expect(cdktf(["plan", "local"], { ENVIRONMENTS_DIR: variant }).stdout).toContain("No changes.");
});

test("destroy removes containers and networks and keeps the data volumes", () => {
  const destroy = cdktf(["destroy", "local", "--auto-approve"]);
  expect(destroy.exitCode).toBe(0);
  expect(containersOf("local", true)).toEqual([]);
  expect(docker(["network", "ls", "--filter", "name=^local-", "--format", "{{.Name}}"])).toBe("");
  const volumes = docker(["volume", "ls", "--format", "{{.Name}}"]).split("\n");
  expect(volumes).toEqual(expect.arrayContaining([names.postgresVolume(major), names.objectStoreVolume]));
});

test("the next deploy finds the kept data, with the newly generated credentials", async () => {
  expect(cdktf(["deploy", "local", "--auto-approve"]).exitCode).toBe(0);
  expect((await getJson(HEALTH)).body).toMatchObject({ status: "ok", database: { reachable: true }, bucket: { reachable: true } });
  expect(Number(psql(names.postgres, "SELECT count(*) FROM drill"))).toBeGreaterThanOrEqual(2);
  expect(npmRun("backup", ["local", "--list"]).stdout).toMatch(/backups\/app-\d{8}T\d{6}Z\.dump/);
  expect(cdktf(["destroy", "local", "--auto-approve"]).exitCode).toBe(0);
});

test("an environment that allows deleting data loses its volumes on destroy; turning protect on in between keeps them", async () => {
  const scratch = dockerNames("scratch");
  removeLeftovers("scratch");
  // A run that failed halfway left its data: this environment's data is scratch.
  const leftover = docker(["volume", "ls", "-q", "--filter", "name=^scratch-"]);
  if (leftover) docker(["volume", "rm", ...leftover.split("\n")]);
  const variant = (protect: boolean) => ({ ENVIRONMENTS_DIR: environmentVariant("scratch", "local", `protect: ${protect}, host: { ...base.host, httpPort: 8091 }`) });
  const dir = variant(false);
  expect(cdktf(["deploy", "scratch", "--auto-approve"], dir).exitCode).toBe(0);
  expect((await getJson("http://127.0.0.1:8091/healthz")).status).toBe(200);
  expect(docker(["volume", "ls", "--format", "{{.Name}}"]).split("\n")).toEqual(expect.arrayContaining([scratch.postgresVolume(major)]));
  psql(scratch.postgres, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");

  // protect on: the volumes leave the configuration; Terraform forgets them (a removed block), deletes nothing.
  const protectOn = cdktf(["deploy", "scratch", "--auto-approve"], variant(true));
  expect(protectOn.exitCode).toBe(0);
  expect(protectOn.stdout).toMatch(/Resources: \d+ added, \d+ changed, 0 destroyed/);
  // (The health probe's volume holds no data and stays a resource.)
  expect(terraform(["state", "list"], join(ROOT, "cdktf.out", "stacks", "scratch")).stdout).not.toMatch(/docker_volume\.(?!app_probe_)/);
  expect(psql(scratch.postgres, "SELECT v FROM kept")).toBe("still here");

  // protect off again: the volumes are resources again (Docker hands back the existing ones), and destroy deletes them.
  expect(cdktf(["deploy", "scratch", "--auto-approve"], dir).exitCode).toBe(0);
  expect(cdktf(["destroy", "scratch", "--auto-approve"], dir).exitCode).toBe(0);
  const volumes = docker(["volume", "ls", "--format", "{{.Name}}"]).split("\n");
  expect(volumes).not.toContain(scratch.postgresVolume(major));
  expect(volumes).not.toContain(scratch.objectStoreVolume);
});

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}
