import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { dockerNames } from "../../constructs/docker/names";
import { localImages } from "../../images/catalog";
import { containersOf, docker, exampleAppOnLocalEngine, removeLeftovers, requireDocker } from "./docker";
import { ROOT } from "./helpers";

// Backups that survive the host (issue 20, README "Backups"): an environment deployed on this machine's
// Docker Engine copies its dumps and its bucket's objects, encrypted, to a second S3 server that stands in
// for the off-site store. Then the whole host is lost — containers, volumes and the local backups — and
// `npm run restore -- <env> --from-offsite` brings the rows and the uploads back from the copy alone.
jest.setTimeout(900_000);

const ENV = "offdrill";
const PORT = 8096;
const names = dockerNames(ENV);
const STANDIN = "offdrill-offsite-standin"; // not labelled as the environment's: it outlives the host
const OFFSITE_BUCKET = "offdrill-offsite";
// made up for this run: the stand-in's keys, and the key the copies are encrypted with
const secrets = {
  OFFDRILL_BACKUP_KEY: randomBytes(32).toString("base64"),
  OFFDRILL_OFFSITE_KEY_ID: randomBytes(10).toString("hex"),
  OFFDRILL_OFFSITE_SECRET: randomBytes(20).toString("hex"),
};
const work = mkdtempSync(join(tmpdir(), "offsite-backups-"));
const envDir = join(work, "environments");
const outDir = join(work, "cdktf.out");

const environment = {
  ...exampleAppOnLocalEngine(PORT),
  database: {},
  backups: {
    retentionDays: 7,
    encryptionKey: { env: "OFFDRILL_BACKUP_KEY" },
    // A one-word host over http: the stand-in, on the environment's edge network (a real store is https).
    offsite: {
      endpoint: "http://offsite:7070", bucket: OFFSITE_BUCKET, location: "fi", region: "us-east-1",
      accessKeyId: { env: "OFFDRILL_OFFSITE_KEY_ID" }, secretAccessKey: { env: "OFFDRILL_OFFSITE_SECRET" },
    },
  },
  protect: false,
  state: { backend: "local", path: join(work, `${ENV}.tfstate`) },
};

const run = (command: string, args: string[]) => execa.sync(command, args, {
  cwd: ROOT, reject: false, timeout: 600_000,
  env: { CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0", ENVIRONMENTS_DIR: envDir, CDKTF_OUTDIR: outDir, ...secrets },
});
const cdktf = (args: string[]) => run("npx", ["cdktf", ...args, "--output", outDir]);
const npmRun = (script: string, args: string[]) => run("npm", ["run", "--silent", script, "--", ...args]);

async function deploy(): Promise<void> {
  const result = cdktf(["deploy", ENV, "--auto-approve"]);
  if (result.exitCode !== 0) throw new Error(`deploy failed:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
  // The store off the host, reachable from the sidecar as `offsite`.
  docker(["network", "connect", "--alias", "offsite", names.edgeNetwork, STANDIN]);
  // The sidecar's first scheduled run (at its start) finishes before the test makes its own.
  for (let i = 0; i < 240; i++) {
    if (!docker(["exec", names.backup, "backup", "status"]).startsWith("none yet")) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the backup sidecar's first run did not finish within 2 minutes");
}

/**
 * The raw bytes of every object in the off-site bucket, as its operator sees them (no key): read by
 * rclone in a throwaway container on the stand-in's own network namespace.
 */
function offsiteObjects(): Map<string, Buffer> {
  const rclone = (args: string[], encoding: "utf8" | "buffer" = "utf8") => execa.sync("docker", [
    "run", "--rm", "--network", `container:${STANDIN}`, "--entrypoint", "rclone",
    ...Object.entries({ TYPE: "s3", PROVIDER: "Other", ENDPOINT: "http://127.0.0.1:7070", ACCESS_KEY_ID: secrets.OFFDRILL_OFFSITE_KEY_ID, SECRET_ACCESS_KEY: secrets.OFFDRILL_OFFSITE_SECRET, FORCE_PATH_STYLE: "true" })
      .flatMap(([k, v]) => ["-e", `RCLONE_CONFIG_RAW_${k}=${v}`]),
    localImages.backup, ...args,
  ], { encoding: encoding === "buffer" ? null : "utf8" } as any);
  const keys = String(rclone(["lsf", "-R", "--files-only", `raw:${OFFSITE_BUCKET}`]).stdout).split("\n").filter(Boolean);
  return new Map(keys.map((key) => [key, rclone(["cat", `raw:${OFFSITE_BUCKET}/${key}`], "buffer").stdout as unknown as Buffer]));
}

async function send(method: string, path: string, body?: string | Buffer | object): Promise<{ status: number; body: any; bytes: Buffer }> {
  const json = typeof body === "object" && !Buffer.isBuffer(body);
  const response = await fetch(`http://127.0.0.1:${PORT}${path}`, {
    method, body: json ? JSON.stringify(body) : (body as string | Uint8Array | undefined),
    headers: { "content-type": json ? "application/json" : "application/octet-stream" },
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, bytes, body: response.headers.get("content-type")?.includes("json") ? JSON.parse(bytes.toString()) : bytes.toString() };
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const notes = Array.from({ length: 25 }, (_, i) => `pupil-${i}-${randomBytes(6).toString("hex")}`);
const uploads = { "report.txt": Buffer.from(`term report ${randomBytes(8).toString("hex")}\n`.repeat(40)), "photo.bin": randomBytes(300_000) };

beforeAll(async () => {
  requireDocker();
  removeLeftovers(ENV);
  execa.sync("docker", ["rm", "-fv", STANDIN], { reject: false });
  mkdirSync(envDir, { recursive: true });
  writeFileSync(join(envDir, `${ENV}.ts`), `export default ${JSON.stringify(environment, null, 2)};\n`);
  docker(["run", "-d", "--name", STANDIN, "-e", `ROOT_ACCESS_KEY=${secrets.OFFDRILL_OFFSITE_KEY_ID}`, "-e", `ROOT_SECRET_KEY=${secrets.OFFDRILL_OFFSITE_SECRET}`, localImages.objectstore]);
  // The off-site bucket exists before (the store's operator made it).
  const made = execa.sync("docker", [
    "run", "--rm", "--network", `container:${STANDIN}`,
    "-e", "S3_ENDPOINT=http://127.0.0.1:7070", "-e", `S3_BUCKET=${OFFSITE_BUCKET}`,
    "-e", `S3_ACCESS_KEY_ID=${secrets.OFFDRILL_OFFSITE_KEY_ID}`, "-e", `S3_SECRET_ACCESS_KEY=${secrets.OFFDRILL_OFFSITE_SECRET}`,
    "--entrypoint", "sh", localImages.backup, "-c", "for i in $(seq 60); do backup ensure-bucket && exit 0; sleep 1; done; exit 1",
  ], { reject: false });
  if (made.exitCode !== 0) throw new Error(`cannot create the off-site bucket: ${made.stderr}`);
  await deploy();
});

afterAll(() => {
  cdktf(["destroy", ENV, "--auto-approve"]);
  execa.sync("docker", ["rm", "-fv", STANDIN], { reject: false });
});

test("a backup copies the dump and the uploads off-site, encrypted: the store holds neither a readable dump nor any of the data", async () => {
  for (const body of notes) expect((await send("POST", "/notes", { body })).status).toBe(201);
  for (const [name, data] of Object.entries(uploads)) expect((await send("PUT", `/uploads/${name}`, data)).status).toBe(201);

  const backup = npmRun("backup", [ENV]);
  expect({ exitCode: backup.exitCode, stderr: backup.exitCode === 0 ? "" : backup.stderr }).toEqual({ exitCode: 0, stderr: "" });
  const key = backup.stdout.trim().split("\n").pop()!;
  expect(key).toMatch(/^backups\/app-\d{8}T\d{6}Z\.dump$/);

  const objects = offsiteObjects();
  const keys = [...objects.keys()];
  // this dump (its name kept, `.bin` added; the sidecar's first run at its start made another) and the
  // two uploads (their names encrypted too)
  expect(keys).toContain(`dumps/${key.replace(/^backups\//, "")}.bin`);
  expect(keys.filter((k) => !/^dumps\/app-\d{8}T\d{6}Z\.dump\.bin$/.test(k) && !k.startsWith("objects/"))).toEqual([]);
  expect(keys.filter((k) => k.startsWith("objects/"))).toHaveLength(2);
  expect(keys.join("\n")).not.toMatch(/report|photo|uploads/);
  for (const [key, bytes] of objects) {
    expect({ key, head: bytes.subarray(0, 8).toString("latin1") }).toEqual({ key, head: "RCLONE\u0000\u0000" }); // rclone crypt's header
    const text = bytes.toString("latin1");
    expect(text).not.toContain("PGDMP"); // a custom-format dump's magic
    for (const note of notes) expect(text).not.toContain(note);
    expect(text).not.toContain(uploads["report.txt"].toString("latin1").slice(0, 40));
    expect(bytes.includes(uploads["photo.bin"].subarray(0, 64))).toBe(false);
  }

  // The listing shows the dump verified, here and off-site, and the last run's result.
  const listed = npmRun("backup", [ENV, "--list"]);
  expect(listed.exitCode).toBe(0);
  expect(listed.stdout).toMatch(/backups\/app-\d{8}T\d{6}Z\.dump \d+ .* verified\(\d+,tables,\d+,rows,/);
  expect(listed.stdout).toMatch(/Off-site copies:\nbackups\/app-\d{8}T\d{6}Z\.dump \d+ /);
  expect(listed.stdout).toMatch(/Last run: ok /);
});

test("an encrypted dump cut short in the store is caught by its verification, which the listing and the sidecar's health show", () => {
  const key = npmRun("backup", [ENV]).stdout.trim().split("\n").pop()!;
  // Cut the stored (encrypted) dump to half its bytes, with the store's own client: what a lost upload leaves.
  const stored = `${names.backupBucket}/${key}.bin`;
  const raw = "RCLONE_CONFIG_RAW_TYPE=s3 RCLONE_CONFIG_RAW_PROVIDER=Other RCLONE_CONFIG_RAW_ENDPOINT=\"$S3_ENDPOINT\" RCLONE_CONFIG_RAW_ACCESS_KEY_ID=\"$S3_ACCESS_KEY_ID\" "
    + "RCLONE_CONFIG_RAW_SECRET_ACCESS_KEY=\"$S3_SECRET_ACCESS_KEY\" RCLONE_CONFIG_RAW_FORCE_PATH_STYLE=true";
  const cut = execa.sync("docker", ["exec", names.backup, "sh", "-c",
    `export ${raw}; size=$(rclone size --json "raw:${stored}" | sed -n 's/.*"bytes":\\([0-9]*\\).*/\\1/p'); rclone cat "raw:${stored}" | head -c $((size / 2)) > /tmp/cut && rclone copyto /tmp/cut "raw:${stored}"`], { reject: false });
  expect(cut.exitCode).toBe(0);

  const verify = execa.sync("docker", ["exec", names.backup, "backup", "verify", key], { reject: false });
  expect(verify.exitCode).toBe(1);
  expect(verify.stderr).toContain(`VERIFICATION FAILED for ${key}`);
  expect(execa.sync("docker", ["exec", names.backup, "backup", "health"], { reject: false }).exitCode).toBe(1);
  const listed = npmRun("backup", [ENV, "--list"]).stdout;
  expect(listed.split("\n").find((line) => line.startsWith(`${key} `))).toMatch(/ FAILED\(did-not-restore/);
  expect(listed).toContain(`Last run: failed `);
});

test("after the whole host is lost, --from-offsite brings back every row and every upload from the copy alone", async () => {
  // The off-site copy is of the last good backup (the cut-short dump's off-site copy is intact, too).
  expect(npmRun("backup", [ENV]).exitCode).toBe(0);

  // The host is gone: the environment's containers, its volumes (database, objects, backups) and networks.
  docker(["network", "disconnect", names.edgeNetwork, STANDIN]);
  expect(cdktf(["destroy", ENV, "--auto-approve"]).exitCode).toBe(0);
  expect(containersOf(ENV, true)).toEqual([]);
  expect(docker(["volume", "ls", "-q", "--filter", `name=^${ENV}-`])).toBe("");

  // A new host, deployed from the same file: an empty database, an empty bucket, no backups.
  await deploy();
  expect((await send("GET", "/notes")).body).toEqual({ notes: [] });
  // Its sidecar's backups (of the empty database) do not replace the copy: the off-site store's newest
  // dump is not this host's, so nothing is copied (and the sidecar says so) until a restore from there.
  expect(docker(["exec", names.backup, "backup", "status"])).toMatch(/^failed /);
  const refused = execa.sync("docker", ["exec", names.backup, "backup", "now"], { reject: false });
  expect(refused.exitCode).toBe(1);
  expect(refused.stderr).toMatch(/not copying off-site: its newest dump, backups\/app-\d{8}T\d{6}Z\.dump, is not in this host's backup bucket/);

  const restore = npmRun("restore", [ENV, "--from-offsite"]);
  expect({ exitCode: restore.exitCode, stderr: restore.exitCode === 0 ? "" : restore.stderr }).toEqual({ exitCode: 0, stderr: "" });
  expect(restore.stdout).toContain("Restored the objects of offdrill's bucket from the off-site copy.");

  const rows = (await send("GET", "/notes")).body.notes.map((n: { body: string }) => n.body);
  expect(rows).toEqual(notes);
  for (const [name, data] of Object.entries(uploads)) {
    const got = await send("GET", `/uploads/${name}`);
    expect({ name, status: got.status, sha256: sha256(got.bytes) }).toEqual({ name, status: 200, sha256: sha256(data) });
  }
  // and the copies resume: the restored host's next backup goes off-site again
  expect(npmRun("backup", [ENV]).exitCode).toBe(0);
});
