import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Testing } from "cdktf";
import execa from "execa";
import { parse } from "yaml";
import { BackendStack } from "../../constructs/backend-stack";
import { shippedEnvironment } from "../support/shipped-environments";

// The database server's backup script as cloud-init writes it, run for real by bash with stand-ins
// for runuser, pg_dump and rclone on PATH; the stand-in rclone keeps the "bucket" in a folder.
const env = shippedEnvironment("hetzner-prod");
const config = JSON.parse(Testing.synth(new BackendStack(Testing.app(), env)));
const database = Object.values(config.resource.hcloud_server as Record<string, { name: string; user_data: string }>).find((s) => s.name === "hetzner-prod-database")!;
const script = (parse(database.user_data).write_files as { path: string; content: string }[]).find((f) => f.path === "/usr/local/sbin/pg-backup")!.content;

const STUBS: Record<string, string[]> = {
  runuser: [
    "#!/bin/bash",
    'if [ "$1 $2 $3" != "-u postgres --" ]; then echo "stub runuser: unexpected $*" >&2; exit 2; fi',
    'shift 3; exec "$@"',
  ],
  pg_dump: [
    "#!/bin/bash",
    "printf 'PGDMP first part\\n'",
    'if [ -n "$PG_DUMP_FAILS" ]; then echo "pg_dump: error: connection to server lost" >&2; exit 1; fi',
    "printf 'rest of the dump\\n'",
  ],
  // Like rclone: rcat stores whatever arrives until end of input, even when the writer died halfway.
  rclone: [
    "#!/bin/bash",
    "set -eu",
    'file() { echo "$STORE/${1#store:}"; }',
    'if [ "$1" = "$RCLONE_FAILS" ]; then cat >/dev/null; echo "stub rclone: $1 failed" >&2; exit 1; fi',
    'case "$1" in',
    '  rcat) mkdir -p "$(dirname "$(file "$2")")"; cat >"$(file "$2")" ;;',
    '  moveto) mkdir -p "$(dirname "$(file "$3")")"; mv "$(file "$2")" "$(file "$3")" ;;',
    '  deletefile) rm "$(file "$2")" ;;',
    '  *) echo "stub rclone: unexpected $*" >&2; exit 2 ;;',
    "esac",
  ],
};

function runBackup(failures: { pgDump?: boolean; rclone?: "rcat" | "moveto" } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "pg-backup-"));
  const bin = join(dir, "bin");
  const store = join(dir, "store");
  mkdirSync(bin);
  mkdirSync(store);
  for (const [name, lines] of Object.entries(STUBS)) {
    writeFileSync(join(bin, name), `${lines.join("\n")}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const path = join(dir, "pg-backup");
  writeFileSync(path, script);
  chmodSync(path, 0o700); // run through its own #! line, as systemd does
  const result = execa.sync(path, [], {
    reject: false,
    env: { PATH: `${bin}:${process.env.PATH}`, STORE: store, PG_DUMP_FAILS: failures.pgDump ? "1" : "", RCLONE_FAILS: failures.rclone ?? "" },
  });
  const objects = (readdirSync(store, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => relative(store, join(e.parentPath, e.name)));
  return { result, objects, read: (key: string) => readFileSync(join(store, key), "utf8") };
}

test("the script is bash with pipefail (under sh a failed pg_dump would go unnoticed)", () => {
  expect(script.split("\n")[0]).toBe("#!/bin/bash");
  expect(script).toContain("set -euo pipefail");
});

test("a good dump ends up under backups/ whole, and nothing else is left", () => {
  const { result, objects, read } = runBackup();
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
  expect(objects).toEqual([expect.stringMatching(/^acme-prod-data-backups\/backups\/app-\d{8}T\d{6}Z\.dump$/)]);
  expect(read(objects[0])).toBe("PGDMP first part\nrest of the dump\n");
  expect(result.stdout).toBe(`uploaded ${objects[0].replace("acme-prod-data-backups/", "")}`);
});

test("a pg_dump that fails halfway fails the run and leaves no object at all, so no cut dump passes for a good one", () => {
  const { result, objects } = runBackup({ pgDump: true });
  expect(result.exitCode).not.toBe(0);
  expect(result.stderr).toContain("pg_dump: error: connection to server lost");
  expect(objects).toEqual([]);
});

test.each(["rcat", "moveto"] as const)("a failed upload (rclone %s) fails the run and leaves nothing under backups/", (step) => {
  const { result, objects } = runBackup({ rclone: step });
  expect(result.exitCode).not.toBe(0);
  expect(result.stderr).toContain(`stub rclone: ${step} failed`);
  expect(objects).toEqual([]);
});
