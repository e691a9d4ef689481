import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { parse } from "yaml";

// `npm run app-secrets` as the cloud-credentials action runs it in CI: the variables a stack's file names go
// to $GITHUB_ENV from the job's secrets, and nothing else does.
const ROOT = join(__dirname, "..", "..");

function run(stack: string, secrets: Record<string, string>) {
  const work = mkdtempSync(join(tmpdir(), "app-secrets-"));
  const envDir = join(work, "environments");
  execa.sync("mkdir", [envDir]);
  writeFileSync(join(envDir, "school.ts"), `import base from ${JSON.stringify(join(ROOT, "environments", "local"))};
export default { ...base, service: { ...base.service, secrets: { SECRET_KEY: { env: "SCHOOL_SECRET_KEY" }, SMTP_PASSWORD: { env: "SCHOOL_SMTP_PASSWORD" } } },
  backups: { ...base.backups, encryptionKey: { env: "SCHOOL_BACKUP_KEY" }, offsite: { endpoint: "https://hel1.your-objectstorage.com", bucket: "school-offsite", location: "hel1",
    accessKeyId: { env: "SCHOOL_OFFSITE_KEY_ID" }, secretAccessKey: { env: "SCHOOL_OFFSITE_SECRET" } } } };\n`);
  const githubEnv = join(work, "github-env");
  writeFileSync(githubEnv, "");
  const result = execa.sync("npx", ["tsx", "scripts/app-secrets.ts", stack], {
    cwd: ROOT, reject: false, env: { GITHUB_ENV: githubEnv, ENVIRONMENTS_DIR: envDir, SECRETS_JSON: JSON.stringify(secrets) },
  });
  return { result, written: readFileSync(githubEnv, "utf8") };
}

test("exports exactly the stack's variables, multi-line values intact, and names (never prints) what it set or lacks", () => {
  const key = "line one\nline two";
  const { result, written } = run("school", { SCHOOL_SECRET_KEY: key, SCHOOL_BACKUP_KEY: "backup-key", SCHOOL_OFFSITE_KEY_ID: "id", HCLOUD_TOKEN: "not-for-the-app", github_token: "x" });
  expect(result.exitCode).toBe(0);
  const exported = [...written.matchAll(/^(\w+)<<(EOF_[0-9a-f]{32})\n([\s\S]*?)\n\2$/gm)].map((m) => [m[1], m[3]]);
  // the app's secrets and the backups' (the dumps' key, the off-site store's keys)
  expect(exported).toEqual([["SCHOOL_BACKUP_KEY", "backup-key"], ["SCHOOL_OFFSITE_KEY_ID", "id"], ["SCHOOL_SECRET_KEY", key]]);
  expect(result.stdout).toBe([
    "SCHOOL_BACKUP_KEY: set from the job's secrets", "SCHOOL_OFFSITE_KEY_ID: set from the job's secrets",
    "SCHOOL_OFFSITE_SECRET: not among this job's secrets; left unset",
    "SCHOOL_SECRET_KEY: set from the job's secrets", "SCHOOL_SMTP_PASSWORD: not among this job's secrets; left unset",
  ].join("\n"));
  expect(result.stdout + result.stderr).not.toContain("line one");
});

test("an unknown stack is an error naming the known ones", () => {
  const { result } = run("nope", {});
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toContain('app-secrets: no environment "nope"; there are: school');
});

test("the action exports them only when given the job's secrets and a stack, and every workflow passes both", () => {
  const action = parse(readFileSync(join(ROOT, ".github", "actions", "cloud-credentials", "action.yml"), "utf8"));
  const step = action.runs.steps.find((s: any) => s.name.startsWith("App secrets"));
  expect(step).toMatchObject({ if: "inputs.app-secrets != '' && inputs.stack != ''", env: { STACK: "${{ inputs.stack }}", SECRETS_JSON: "${{ inputs.app-secrets }}" } });
  for (const workflow of ["pr-plan", "drift", "deploy"]) {
    const jobs = parse(readFileSync(join(ROOT, ".github", "workflows", `${workflow}.yml`), "utf8")).jobs;
    const uses = Object.values<any>(jobs).flatMap((j) => j.steps ?? []).filter((s: any) => s.uses === "./.github/actions/cloud-credentials");
    expect(uses.length).toBeGreaterThan(0); // deploy.yml: its plan job and its deploy job
    for (const step of uses) expect({ stack: step.with.stack, secrets: step.with["app-secrets"] }).toEqual({ stack: "${{ matrix.stack }}", secrets: "${{ toJSON(secrets) }}" });
  }
});
