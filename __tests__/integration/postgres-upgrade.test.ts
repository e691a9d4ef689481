import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { dockerNames } from "../../constructs/docker/names";
import { localImages } from "../../images/catalog";
import { cdktf as cdktfAt, docker, exampleAppOnLocalEngine, getJson, npmRun as npmRunAt, psql, removeLeftovers, requireDocker } from "./docker";

// README "Upgrading Postgres", run on this machine's Docker Engine: an environment with its data on Postgres 15 (the
// example app, its migration and its rows) moves to 17 the documented way: `npm run backup`, the file's major
// changed, a deploy (17 on a volume of its own; the app's migration makes empty tables there), `npm run restore
// --from` the dump made on 15. Every row comes back, the 15 volume is left as it was, and a 17 server refuses it.
jest.setTimeout(900_000);

const ENV = "pgupgrade";
const PORT = 8097;
const names = dockerNames(ENV);
const work = mkdtempSync(join(tmpdir(), "postgres-upgrade-"));
const envDir = join(work, "environments");
const outDir = join(work, "cdktf.out");
const settings = { ENVIRONMENTS_DIR: envDir, CDKTF_OUTDIR: outDir };

/** The environment file on a major: 15 with its image, or the default (17) with the default image. */
function writeEnvironment(on: 15 | "default"): void {
  mkdirSync(envDir, { recursive: true });
  const base = exampleAppOnLocalEngine(PORT);
  writeFileSync(join(envDir, `${ENV}.ts`), `export default ${JSON.stringify({
    ...base,
    images: { ...base.images, postgres: on === 15 ? localImages.postgres15 : localImages.postgres },
    database: on === 15 ? { postgres: 15 } : {},
    backups: { retentionDays: 7 },
    // the default: data is kept, as in a real environment (the test removes the volumes at the end)
    protect: true,
    state: { backend: "local", path: join(work, `${ENV}.tfstate`) },
  }, null, 2)};\n`);
}

const cdktf = (args: string[]) => cdktfAt([...args, "--output", outDir], settings);
const npmRun = (script: string, args: string[]) => npmRunAt(script, args, settings);
const sql = (query: string) => psql(names.postgres, query);
const volumes = () => docker(["volume", "ls", "-q", "--filter", `name=^${ENV}-`]).split("\n").filter(Boolean).sort();
const removeVolumes = () => { const left = volumes(); if (left.length) docker(["volume", "rm", ...left]); };
const url = (path: string) => `http://127.0.0.1:${PORT}${path}`;

/** What must survive the upgrade: the app's notes (through the app) and a bigger table, with a checksum of its rows. */
const FINGERPRINT = "SELECT count(*) || ' ' || md5(string_agg(id || ':' || v, ',' ORDER BY id)) FROM bulk";
const notes = async () => ((await getJson(url("/notes"))).body.notes as { id: number; body: string }[]).map((n) => `${n.id}:${n.body}`);

async function postNote(body: string): Promise<{ status: number; id: number }> {
  const response = await fetch(url("/notes"), { method: "POST", body: JSON.stringify({ body }), headers: { "content-type": "application/json" } });
  return { status: response.status, id: ((await response.json()) as { id: number }).id };
}

async function healthy(): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const health = await getJson(url("/healthz")).catch(() => undefined);
    if (health?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${ENV} is not healthy: ${JSON.stringify(health)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const before: { notes: string[]; bulk: string; dump: string } = { notes: [], bulk: "", dump: "" };

beforeAll(() => {
  requireDocker();
  removeLeftovers(ENV);
  // data of a run that stopped halfway: this environment's data is the test's own
  removeVolumes();
  writeEnvironment(15);
});

afterAll(() => {
  cdktf(["destroy", ENV, "--auto-approve"]);
  removeLeftovers(ENV);
  removeVolumes();
});

test("on Postgres 15: the app's migration, its rows and a bigger table; `npm run backup` dumps them and verifies the dump", async () => {
  const deploy = cdktf(["deploy", ENV, "--auto-approve"]);
  expect({ exitCode: deploy.exitCode, stderr: deploy.exitCode === 0 ? "" : deploy.stderr + deploy.stdout.slice(-3000) }).toEqual({ exitCode: 0, stderr: "" });
  await healthy();
  expect(sql("SHOW server_version_num")).toMatch(/^15\d{4}$/);
  for (const body of ["first", "second", "third"]) expect((await postNote(body)).status).toBe(201);
  sql("CREATE TABLE bulk (id bigint PRIMARY KEY, v text NOT NULL); INSERT INTO bulk SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
  before.notes = await notes();
  before.bulk = sql(FINGERPRINT);
  expect(before.notes).toHaveLength(3);
  expect(before.bulk).toMatch(/^20000 [0-9a-f]{32}$/);

  const backup = npmRun("backup", [ENV]);
  expect({ exitCode: backup.exitCode, stderr: backup.exitCode === 0 ? "" : backup.stderr }).toEqual({ exitCode: 0, stderr: "" });
  before.dump = /backups\/app-\d{8}T\d{6}Z\.dump/.exec(backup.stdout)?.[0] ?? "";
  expect(before.dump).not.toBe("");
  // pg_dump 17 of the backup image dumped the 15 server, and its dump restored into a scratch database there
  expect(npmRun("backup", [ENV, "--list"]).stdout).toMatch(new RegExp(`${before.dump} \\d+ .* verified\\(4,tables,20004,rows,`));
});

test("the file moves to the default major (17): the deploy starts 17 on a new volume, the migration makes empty tables, the 15 volume is kept", async () => {
  writeEnvironment("default");
  const deploy = cdktf(["deploy", ENV, "--auto-approve"]);
  expect({ exitCode: deploy.exitCode, stderr: deploy.exitCode === 0 ? "" : deploy.stderr + deploy.stdout.slice(-3000) }).toEqual({ exitCode: 0, stderr: "" });
  await healthy();
  expect(sql("SHOW server_version_num")).toMatch(/^17\d{4}$/);
  const mounts = JSON.parse(docker(["inspect", "--format", "{{json .Mounts}}", names.postgres])) as { Name: string; Destination: string }[];
  expect(mounts.map((m) => [m.Name, m.Destination])).toEqual([[names.postgresVolume(17), "/var/lib/postgresql/data"]]);
  expect(volumes()).toEqual(expect.arrayContaining([names.postgresVolume(15), names.postgresVolume(17)]));
  // the release's migration ran on the empty database: the app serves, with no rows yet
  expect(await notes()).toEqual([]);
  expect(sql("SELECT version_num FROM alembic_version")).toBe("0001");
});

test("`npm run restore --from` the dump made on 15 puts every row back on 17, over the tables the migration made", async () => {
  const restore = npmRun("restore", [ENV, "--from", before.dump]);
  expect({ exitCode: restore.exitCode, stderr: restore.exitCode === 0 ? "" : restore.stderr }).toEqual({ exitCode: 0, stderr: "" });
  expect(restore.stdout).toContain(`Restored ${before.dump} into ${ENV}'s database.`);
  expect(sql("SHOW server_version_num")).toMatch(/^17\d{4}$/);
  expect(await notes()).toEqual(before.notes);
  expect(sql(FINGERPRINT)).toBe(before.bulk);
  // the app goes on where it was: the sequence came back too, and the schema is at the app's revision
  const next = await postNote("after the upgrade");
  expect(next.status).toBe(201);
  expect(next.id).toBe(Math.max(...before.notes.map((n) => Number(n.split(":")[0]))) + 1);
  expect(sql("SELECT version_num FROM alembic_version")).toBe("0001");
  expect((await getJson(url("/healthz"))).body).toMatchObject({ status: "ok", database: true });
});

test("the 15 volume is as it was: a 17 server refuses it without starting, and a 15 server still finds every row on it", async () => {
  const volume = `${names.postgresVolume(15)}:/var/lib/postgresql/data`;
  const refused = execa.sync("docker", ["run", "--rm", "-e", "POSTGRES_PASSWORD=unused", "-v", volume, localImages.postgres], { reject: false });
  expect(refused.exitCode).toBe(1);
  expect(refused.stderr).toContain("holds a PostgreSQL 15 cluster and this image is PostgreSQL 17; nothing was started or changed");
  expect(refused.stderr).toContain("npm run restore -- <env> --from <key>");
  const files = docker(["run", "--rm", "-v", volume, "--entrypoint", "sh", localImages.postgres15, "-c", "cat /var/lib/postgresql/data/PG_VERSION; ls /var/lib/postgresql/data"]).split("\n");
  expect(files[0]).toBe("15");
  expect(files).not.toContain("postmaster.pid");

  // Going back is starting the 15 image on it again (here by hand, next to the environment).
  const old = `${ENV}-old15`;
  docker(["run", "-d", "--name", old, "-v", volume, localImages.postgres15]);
  try {
    const deadline = Date.now() + 60_000;
    while (execa.sync("docker", ["exec", old, "pg_isready", "-q", "-h", "127.0.0.1"], { reject: false }).exitCode !== 0) {
      if (Date.now() > deadline) throw new Error(`the 15 server did not start on ${names.postgresVolume(15)}: ${docker(["logs", old])}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(psql(old, FINGERPRINT)).toBe(before.bulk);
  } finally {
    docker(["rm", "-f", old]);
  }
});
