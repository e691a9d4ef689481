import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import execa from "execa";
import { appCommand } from "../../scripts/lib/app-command";

// `npm run backup` / `npm run restore` (scripts/backup.ts) against a stub `docker`, first on PATH,
// that records each call and answers like the backup sidecar: which sidecar commands run, in what order.
jest.setTimeout(60_000);

const ROOT = join(__dirname, "..", "..");
const EXEC = "--host unix:///var/run/docker.sock exec drill-backup backup";
const SAFETY = "backups/app-20250102T030405Z.dump";

// The sidecar prints keys on stdout, its log on stderr. STUB_FAIL=<command> makes that command fail.
const STUB = `#!/bin/sh
printf '%s\\n' "$*" >>"$STUB_LOG"
[ "$6" != "\${STUB_FAIL-}" ] || { echo "backup: error: $6 failed" >&2; exit 1; }
key=\${7-}
[ "$key" != --offsite ] || key=\${8-}
case $6 in
resolve) echo "backups/\${key:-app-20250101T000000Z.dump}" ;;
now) echo "backup: dumping" >&2; echo "${SAFETY}" ;;
status) echo "ok 2025-01-02T03:04:05Z ${SAFETY}" ;;
esac
`;

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "backup-cli-"));
  writeFileSync(join(work, "docker"), STUB);
  chmodSync(join(work, "docker"), 0o755);
  // one Docker environment, "drill", like the shipped local one
  writeFileSync(join(work, "drill.ts"), `import base from ${JSON.stringify(join(ROOT, "environments", "local"))};\nexport default { ...base };\n`);
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

async function run(mode: "backup" | "restore", args: string[], env: Record<string, string> = {}) {
  // As `npm run backup` runs it: through the app command.
  const app = appCommand("scripts/backup.ts");
  const result = await execa(app.file, [...app.args, mode, ...args], {
    cwd: ROOT, reject: false,
    env: { PATH: `${work}${delimiter}${process.env.PATH}`, STUB_LOG: join(work, "calls"), ENVIRONMENTS_DIR: work, ...env },
  });
  const calls = existsSync(join(work, "calls")) ? readFileSync(join(work, "calls"), "utf8").trim().split("\n") : [];
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr, calls };
}

describe("each mode takes only its own option, and a wrong one runs nothing", () => {
  test("restore --list (wanting to see the dumps) is refused and points to backup --list", async () => {
    const result = await run("restore", ["drill", "--list"]);
    expect(result).toEqual({
      code: 1, stdout: "", calls: [],
      stderr: "npm run restore: restore does not take --list; its options are --from <object-key> and --from-offsite (to see the dumps first: npm run backup -- <env> --list)\n"
        + "usage: npm run restore -- <env> [--from <object-key>] [--from-offsite]",
    });
  });

  test("backup --from is refused and points to restore --from", async () => {
    const result = await run("backup", ["drill", "--from", "backups/app-20250101T000000Z.dump"]);
    expect(result).toEqual({
      code: 1, stdout: "", calls: [],
      stderr: "npm run backup: backup does not take --from; its only option is --list (to restore a dump: npm run restore -- <env> --from <object-key>)\n"
        + "usage: npm run backup -- <env> [--list]",
    });
  });

  test.each([
    ["restore", ["drill", "--yes"], "restore does not take --yes; its options are --from <object-key> and --from-offsite\n"],
    ["restore", ["drill", "-l"], "restore does not take -l; its options are --from <object-key> and --from-offsite\n"],
    ["restore", ["drill", "--from"], "Option '--from <value>' argument missing"],
    ["restore", ["drill", "--from="], "--from needs an object key"],
    ["restore", ["drill", "staging"], "expected one environment name, got 2"],
    ["backup", [], "expected one environment name, got 0"],
    ["backup", ["drill", "--list=yes"], "Option '--list' does not take an argument"],
  ] as const)("%s %j is a usage error", async (mode, args, message) => {
    const result = await run(mode, [...args]);
    expect({ code: result.code, calls: result.calls }).toEqual({ code: 1, calls: [] });
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(`usage: npm run ${mode} -- <env>`);
  });
});

test("backup runs `backup run` (dump, off-site copy, verification); backup --list runs `backup list` and says how the last scheduled run went", async () => {
  expect((await run("backup", ["drill"])).calls).toEqual([`${EXEC} run`]);
  rmSync(join(work, "calls"));
  const listed = await run("backup", ["drill", "--list"]);
  expect(listed.calls).toEqual([`${EXEC} list`, `${EXEC} status`]);
  expect(listed.stdout).toContain(`Last run: ok 2025-01-02T03:04:05Z ${SAFETY}`);
});

test("restore settles the dump, takes a safety dump that spares it, then restores it, and says how to undo", async () => {
  const result = await run("restore", ["drill"]);
  expect(result.code).toBe(0);
  expect(result.calls).toEqual([
    `${EXEC} resolve`,
    `${EXEC} now --keep backups/app-20250101T000000Z.dump --no-offsite`,
    `${EXEC} restore backups/app-20250101T000000Z.dump`,
  ]);
  expect(result.stdout).toContain(`Safety dump of drill's database as it was before this restore: ${SAFETY}`);
  expect(result.stdout).toContain(`To undo the database's restore: npm run restore -- drill --from ${SAFETY}`);
});

test("restore --from restores the key named (as the sidecar resolves it)", async () => {
  const result = await run("restore", ["drill", "--from", "app-20240101T000000Z.dump"]);
  expect(result.code).toBe(0);
  expect(result.calls).toEqual([
    `${EXEC} resolve app-20240101T000000Z.dump`,
    `${EXEC} now --keep backups/app-20240101T000000Z.dump --no-offsite`,
    `${EXEC} restore backups/app-20240101T000000Z.dump`,
  ]);
});

test("when the safety dump fails, nothing is restored", async () => {
  const result = await run("restore", ["drill"], { STUB_FAIL: "now" });
  expect(result.code).toBe(1);
  expect(result.calls).toEqual([`${EXEC} resolve`, `${EXEC} now --keep backups/app-20250101T000000Z.dump --no-offsite`]);
  expect(result.stderr).toContain("backup: error: now failed");
  expect(result.stderr).toContain("The safety dump of the current database failed, so nothing was restored: the database is unchanged.");
});

test("when there is no dump to restore, no safety dump is taken either", async () => {
  const result = await run("restore", ["drill", "--from", "mistyped.dump"], { STUB_FAIL: "resolve" });
  expect(result.code).toBe(1);
  expect(result.calls).toEqual([`${EXEC} resolve mistyped.dump`]);
});

test("a failed restore names the safety dump", async () => {
  const result = await run("restore", ["drill"], { STUB_FAIL: "restore" });
  expect(result.code).toBe(1);
  expect(result.calls.map((c) => c.split(" ")[5])).toEqual(["resolve", "now", "restore"]);
  expect(result.stderr).toContain(`its safety dump is ${SAFETY}`);
});

describe("an environment with off-site copies", () => {
  beforeEach(() => {
    const offsite = { endpoint: "https://hel1.your-objectstorage.com", bucket: "drill-offsite", location: "hel1", accessKeyId: { env: "K" }, secretAccessKey: { env: "S" } };
    writeFileSync(join(work, "drill.ts"), `import base from ${JSON.stringify(join(ROOT, "environments", "local"))};\n`
      + `export default { ...base, backups: { ...base.backups, encryptionKey: { env: "KEY" }, offsite: ${JSON.stringify(offsite)} } };\n`);
  });

  test("--list shows the off-site copies too", async () => {
    expect((await run("backup", ["drill", "--list"])).calls).toEqual([`${EXEC} list`, `${EXEC} list --offsite`, `${EXEC} status`]);
  });

  test("--from-offsite restores the newest off-site dump, then the data bucket's objects; the safety dump stays on the host", async () => {
    const result = await run("restore", ["drill", "--from-offsite"]);
    expect(result.code).toBe(0);
    expect(result.calls).toEqual([
      `${EXEC} resolve --offsite`,
      `${EXEC} now --keep backups/app-20250101T000000Z.dump --no-offsite`,
      `${EXEC} restore --offsite backups/app-20250101T000000Z.dump`,
      `${EXEC} restore-objects`,
    ]);
    expect(result.stdout).toContain("Restored the objects of drill's bucket from the off-site copy.");
  });
});

test("--from-offsite where there is no off-site copy is refused before anything runs", async () => {
  const result = await run("restore", ["drill", "--from-offsite"]);
  expect({ code: result.code, calls: result.calls }).toEqual({ code: 1, calls: [] });
  expect(result.stderr).toContain("backups.offsite: this environment keeps no off-site copy to restore from");
});
