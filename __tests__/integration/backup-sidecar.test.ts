import { randomBytes } from "node:crypto";
import execa from "execa";
import { localImages } from "../../images/catalog";
import { dockerNames, ENVIRONMENT_LABEL } from "../../constructs/docker/names";
import { docker, environmentVariant, npmRun, psql, requireDocker } from "./docker";

// The backup image (images/backup/backup.sh) and `npm run backup` / `npm run restore` against a
// database and an object store of their own, "bkdrill", on this machine's Docker Engine: what a
// restore reads, keeps and replaces, without deploying a whole environment.
jest.setTimeout(300_000);

const ENV = "bkdrill";
const names = dockerNames(ENV);
const BUCKET = names.backupBucket;
// throwaway credentials, made up for this run
const S3 = { S3_ENDPOINT: "http://objectstore:7070", S3_REGION: "us-east-1", S3_ACCESS_KEY_ID: randomBytes(10).toString("hex"), S3_SECRET_ACCESS_KEY: randomBytes(20).toString("hex") };
const DB_PASSWORD = randomBytes(16).toString("hex");
const OLD = "20200101T000000Z"; // far beyond the 7 days of retention

/** `backup <args>` in the sidecar: { code, stdout (keys), stderr (log) }. */
function backup(args: string[]) {
  const r = execa.sync("docker", ["exec", names.backup, "backup", ...args], { reject: false });
  return { code: r.exitCode, stdout: r.stdout.trim(), stderr: r.stderr };
}

/** An object in the backup bucket, written with the sidecar's S3 client: a dump as another run (or database) left it. */
function putDump(name: string): void {
  execa.sync("docker", [
    "exec", "-i",
    ...Object.entries({ TYPE: "s3", PROVIDER: "Other", ENDPOINT: S3.S3_ENDPOINT, ACCESS_KEY_ID: S3.S3_ACCESS_KEY_ID, SECRET_ACCESS_KEY: S3.S3_SECRET_ACCESS_KEY, FORCE_PATH_STYLE: "true" })
      .flatMap(([k, v]) => ["-e", `RCLONE_CONFIG_PBS3_${k}=${v}`]),
    names.backup, "rclone", "rcat", `pbs3:${BUCKET}/backups/${name}`,
  ], { input: "not a real dump" });
}

const listed = () => backup(["list"]).stdout.split("\n").map((line) => line.split(" ")[0]);

/** The `npm run` scripts, with "bkdrill" (the shipped local environment, renamed) as the only environment. */
let environments: string;
const npmScript = (mode: "backup" | "restore", args: string[]) => npmRun(mode, [ENV, ...args], { ENVIRONMENTS_DIR: environments });

function removeOurs(): void {
  // -v: the anonymous volumes of the images' VOLUMEs go with the containers
  const ids = docker(["ps", "-aq", "--filter", `label=${ENVIRONMENT_LABEL}=${ENV}`]);
  if (ids) docker(["rm", "-fv", ...ids.split("\n")]);
  if (docker(["network", "ls", "-q", "--filter", `name=^${names.internalNetwork}$`])) docker(["network", "rm", names.internalNetwork]);
}

async function waitFor(what: string, args: string[]): Promise<void> {
  for (let attempt = 0; attempt < 120; attempt++) {
    if (execa.sync("docker", args, { reject: false }).exitCode === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not become ready`);
}

beforeAll(async () => {
  requireDocker();
  removeOurs();
  environments = environmentVariant(ENV, "local", "");
  docker(["network", "create", "--label", `${ENVIRONMENT_LABEL}=${ENV}`, names.internalNetwork]);
  const run = (name: string, alias: string, env: Record<string, string>, image: string, command: string[] = []) =>
    docker(["run", "-d", "--name", name, "--label", `${ENVIRONMENT_LABEL}=${ENV}`, "--network", names.internalNetwork, "--network-alias", alias,
      ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]), ...command.slice(0, 1).flatMap((c) => ["--entrypoint", c]), image, ...command.slice(1)]);
  run(names.postgres, "postgres", { POSTGRES_USER: "app", POSTGRES_DB: "app", POSTGRES_PASSWORD: DB_PASSWORD }, localImages.postgres);
  run(names.objectStore, "objectstore", { ROOT_ACCESS_KEY: S3.S3_ACCESS_KEY_ID, ROOT_SECRET_KEY: S3.S3_SECRET_ACCESS_KEY }, localImages.objectstore);
  // The sidecar idles instead of running its schedule, so that only the test makes dumps.
  run(names.backup, "backup", {
    PGHOST: "postgres", PGUSER: "app", PGPASSWORD: DB_PASSWORD, PGDATABASE: "app",
    ...S3, S3_BUCKET: BUCKET, BACKUP_PREFIX: "backups", BACKUP_RETENTION_DAYS: "7",
  }, localImages.backup, ["sleep", "infinity"]);
  await waitFor("postgres", ["exec", names.postgres, "pg_isready", "-q", "-h", "127.0.0.1"]);
  await waitFor("the object store", ["exec", names.objectStore, "/usr/local/bin/httpcheck", "http://127.0.0.1:7070/health"]);
  expect(backup(["ensure-bucket"]).code).toBe(0);
});

afterAll(() => removeOurs());

test("a database's dumps are exactly <db>-<timestamp>.dump: retention and `newest` leave another database's dumps alone", () => {
  // `app-staging` starts with `app-`; its dumps are not `app`'s, neither to expire nor to restore.
  const later = new Date(Date.now() + 3_600_000).toISOString().replace(/[-:]|\.\d+/g, "");
  putDump(`app-${OLD}.dump`);
  putDump(`app-staging-${OLD}.dump`);
  putDump(`app-staging-${later}.dump`);

  const now = backup(["now"]);
  expect(now.code).toBe(0);
  expect(now.stdout).toMatch(/^backups\/app-\d{8}T\d{6}Z\.dump$/);
  expect(now.stderr).toContain(`deleted backups/app-${OLD}.dump from s3://${BUCKET}/backups/ (older than 7 days)`);
  expect(listed()).toEqual([`backups/app-staging-${OLD}.dump`, now.stdout, `backups/app-staging-${later}.dump`]);
  expect(backup(["resolve"])).toMatchObject({ code: 0, stdout: now.stdout });
});

test("`now --keep KEY` spares KEY from retention even when it is no longer the newest", () => {
  putDump(`app-20200102T000000Z.dump`);
  const kept = "backups/app-20200102T000000Z.dump";
  expect(backup(["now", "--keep", kept]).code).toBe(0);
  expect(listed()).toContain(kept);
  // without --keep, the same retention deletes it
  expect(backup(["now"]).stderr).toContain(`deleted ${kept}`);
  expect(listed()).not.toContain(kept);

  expect(backup(["now", "--keep"])).toMatchObject({ code: 2, stderr: expect.stringContaining("backup now [--keep KEY]") });
  expect(backup(["now", "extra"]).code).toBe(2);
});

test("`resolve KEY` names the key restore would read, in any of its spellings, and fails on a missing one", () => {
  const key = backup(["resolve"]).stdout;
  const base = key.replace(/^backups\//, "");
  expect(backup(["resolve", base]).stdout).toBe(key);
  expect(backup(["resolve", `s3://${BUCKET}/${key}`]).stdout).toBe(key);
  expect(backup(["resolve", "backups/app-20200103T000000Z.dump"])).toMatchObject({
    code: 1, stdout: "", stderr: expect.stringContaining(`no dump backups/app-20200103T000000Z.dump in s3://${BUCKET}/backups/`),
  });
  // restore checks the same way, before touching the database
  expect(backup(["restore", "app-20200103T000000Z.dump"])).toMatchObject({ code: 1, stderr: expect.stringContaining("no dump") });
});

test("npm run restore: refuses --list, takes a safety dump before restoring, and the safety dump undoes it", () => {
  const notes = () => psql(names.postgres, "SELECT string_agg(note, ',' ORDER BY note) FROM drill");
  psql(names.postgres, "CREATE TABLE drill (id serial PRIMARY KEY, note text NOT NULL)");
  psql(names.postgres, "INSERT INTO drill (note) VALUES ('dumped')");
  const dumped = npmScript("backup", []);
  expect(dumped.exitCode).toBe(0);
  const key = dumped.stdout.trim();
  // what the database holds after the dump, and a restore of the dump would replace
  psql(names.postgres, "UPDATE drill SET note = 'live'");

  // Someone wanting to see the dumps first: nothing runs, nothing is restored.
  const refused = npmScript("restore", ["--list"]);
  expect(refused.exitCode).toBe(1);
  expect(refused.stderr).toContain("restore does not take --list");
  expect(notes()).toBe("live");

  const restored = npmScript("restore", ["--from", key]);
  expect(restored.exitCode).toBe(0);
  expect(notes()).toBe("dumped");
  const safety = /as it was before this restore: (backups\/app-\d{8}T\d{6}Z\.dump)/.exec(restored.stdout)?.[1];
  expect(safety).toBeDefined();
  expect(safety).not.toBe(key);
  expect(restored.stdout).toContain(`To undo the database's restore: npm run restore -- ${ENV} --from ${safety}`);
  expect(listed()).toEqual(expect.arrayContaining([key, safety]));

  // The safety dump holds the database as it was: restoring it undoes the restore.
  expect(npmScript("restore", ["--from", safety!]).exitCode).toBe(0);
  expect(notes()).toBe("live");
});

test("`verify` restores a dump into a scratch database and records what came back; a corrupted one fails, is marked, and makes the sidecar unhealthy", () => {
  psql(names.postgres, "CREATE TABLE IF NOT EXISTS verified (id int PRIMARY KEY)");
  psql(names.postgres, "INSERT INTO verified SELECT generate_series(1, 250) ON CONFLICT DO NOTHING");
  // `run` is what the schedule (and npm run backup) does: the dump, then its verification, recorded.
  const good = backup(["run"]);
  expect(good.code).toBe(0);
  const key = good.stdout.split("\n").pop()!;
  expect(good.stderr).toMatch(new RegExp(`verified ${key}: \\d+ tables \\d+ rows`));
  const line = (k: string) => backup(["list"]).stdout.split("\n").find((l) => l.startsWith(`${k} `));
  expect(line(key)).toMatch(/ verified\(\d+,tables,\d+,rows,/);
  // the rows of every table, as the scratch database held them: at least the 250 just written
  expect(Number(/verified\(\d+,tables,(\d+),rows/.exec(line(key)!)![1])).toBeGreaterThanOrEqual(250);
  expect(backup(["health"]).code).toBe(0);
  expect(backup(["status"]).stdout).toMatch(new RegExp(`^ok \\S+ ${key}$`));
  // the scratch database is gone again
  expect(psql(names.postgres, "SELECT count(*) FROM pg_database WHERE datname = 'app_verify'")).toBe("0");

  // Where a dump should be, bytes that do not restore (bit rot, a cut-off upload).
  const truncated = `app-${new Date(Date.now() + 7_200_000).toISOString().replace(/[-:]|\.\d+/g, "")}.dump`;
  putDump(truncated);
  const bad = backup(["verify", truncated]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain(`VERIFICATION FAILED for backups/${truncated}: did-not-restore`);
  expect(line(`backups/${truncated}`)).toMatch(/ FAILED\(did-not-restore/);
  expect(line(key)).toMatch(/ verified\(/);
  expect(backup(["health"])).toMatchObject({ code: 1, stderr: expect.stringContaining(`failed`) });
  expect(backup(["status"]).stdout).toContain(`verification of backups/${truncated}`);
});
