import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { ROLE_LABEL } from "../../constructs/docker/names";
import { localImages } from "../../images/catalog";
import { startLoad } from "../../bench/lib/load";
import { StandinVps, startStandinVps } from "../support/standin-vps";
import { backupRestoreDrill } from "../support/backup-drill";
import { ROOT } from "./helpers";

// The `vps` environment deployed for real over ssh, as a user deploys to a rented server: a stand-in VPS
// on this machine (its own Docker Engine, key-only sshd, published on 127.0.0.1 only), the images moved
// there first, then `cdktf deploy` with nothing but an ssh agent and the pinned host key.
jest.setTimeout(1_200_000);

const ENV = "vps";
const work = mkdtempSync(join(tmpdir(), "vps-test-"));
const envDir = join(work, "environments");
const outDir = join(work, "cdktf.out");
let vps: StandinVps;
let url: string;

/**
 * The shipped `vps` file pointed at the stand-in: no domain or DNS (no ACME, no Hetzner token here), no
 * off-site store (it is on the internet; offsite-backups.test.ts has a stand-in for one), the dumps still
 * encrypted; state in a temporary folder.
 */
function writeEnvironment(version: string): void {
  mkdirSync(envDir, { recursive: true });
  writeFileSync(join(envDir, `${ENV}.ts`), `import base from ${JSON.stringify(join(ROOT, "environments", "vps"))};
const { dns: _dns, backups: { offsite: _offsite, ...backups }, ...rest } = base;
export default { ...rest, backups, host: { url: ${JSON.stringify(vps.url)}, bindAddress: "0.0.0.0" },
  service: { ...base.service, env: { APP_VERSION: ${JSON.stringify(version)} } },
  state: { backend: "local", path: ${JSON.stringify(join(work, `${ENV}.tfstate`))} } };\n`);
}

const BACKUP_KEY = randomBytes(32).toString("base64");
const env = () => ({ CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0", ENVIRONMENTS_DIR: envDir, CDKTF_OUTDIR: outDir, VPS_BACKUP_KEY: BACKUP_KEY, ...vps.env });
const cdktf = (args: string[]) => execa("npx", ["cdktf", ...args, "--output", outDir], { cwd: ROOT, reject: false, timeout: 900_000, env: env() });
const npmRun = (script: string, args: string[]) => execa("npm", ["run", "--silent", script, "--", ...args], { cwd: ROOT, reject: false, env: env() });
const psql = (sql: string) => vps.docker(["exec", `${ENV}-postgres`, "psql", "-U", "app", "-d", "app", "-v", "ON_ERROR_STOP=1", "-tAc", sql]);
const version = async () => ((await (await fetch(`${url}/healthz`)).json()) as { version: string }).version;

beforeAll(async () => {
  vps = await startStandinVps("vps-test", { publish: [80] });
  url = `http://127.0.0.1:${vps.ports[80]}`;
  // As the README says: the images first (here from this machine's engine; there, npm run images with DOCKER_HOST).
  await vps.loadImages([localImages.postgres, localImages.objectstore, localImages.proxy, localImages.backup, localImages.app], { timeoutMs: 600_000 });
  writeEnvironment("v1");
});

afterAll(async () => {
  if (!vps) return;
  await cdktf(["destroy", ENV, "--auto-approve"]);
  await vps.stop();
});

test("deploys over ssh and serves through the proxy; only the proxy publishes a port on the VPS", async () => {
  const deploy = await cdktf(["deploy", ENV, "--auto-approve"]);
  expect(deploy.stdout + deploy.stderr).toContain("Apply complete!");
  expect(deploy.exitCode).toBe(0);
  const health = await (await fetch(`${url}/healthz`)).json();
  expect(health).toMatchObject({ status: "ok", database: { reachable: true }, bucket: { reachable: true }, version: "v1" });

  const published = (await vps.docker(["ps", "--format", "{{.Names}}\t{{.Ports}}"])).split("\n").filter((l) => /->/.test(l));
  expect(published).toEqual([expect.stringMatching(new RegExp(`^${ENV}-proxy\\t0\\.0\\.0\\.0:80->80/tcp`))]);
  const internal = JSON.parse(await vps.docker(["network", "inspect", "--format", "{{json .Internal}}", `${ENV}-internal`]));
  expect(internal).toBe(true);
});

test("a second plan over ssh shows no changes", async () => {
  const plan = await cdktf(["plan", ENV]);
  expect(plan.stdout).toContain("No changes.");
  expect(plan.exitCode).toBe(0);
});

test("backup and restore over ssh: a row survives a backup, a dropped table and a restore", async () => {
  await backupRestoreDrill(ENV, npmRun, psql);
});

test("drift over ssh: a replica stopped on the VPS is found (exit 2), and a deploy puts it back", async () => {
  const [replica] = (await vps.docker(["ps", "--filter", `label=${ROLE_LABEL}=app`, "--format", "{{.Names}}"])).split("\n").sort();
  await vps.docker(["stop", replica]);
  const drift = await npmRun("drift", [ENV, "--report", join(work, "drift-report.json")]);
  expect(drift.exitCode).toBe(2);
  expect(drift.stdout).toMatch(/changed outside Terraform: docker_container\.app_service_app-1_\w+\n\s+must_run: true → false/);
  expect((await cdktf(["deploy", ENV, "--auto-approve"])).exitCode).toBe(0);
  expect((await npmRun("drift", [ENV, "--report", join(work, "drift-report.json")])).exitCode).toBe(0);
});

test("a release over ssh drops no request", async () => {
  writeEnvironment("v2");
  const load = startLoad(`${url}/healthz`, { clients: 4, maxSeconds: 900 });
  const deploy = await cdktf(["deploy", ENV, "--auto-approve"]);
  const counts = await load.stop();
  console.log(`vps release v1 → v2: ${counts.total} requests in ${counts.seconds.toFixed(1)} s, ${counts.failed} failed ${JSON.stringify(counts.outcomes)}`);
  expect(deploy.exitCode).toBe(0);
  expect(counts.total).toBeGreaterThan(100);
  expect(counts.failed).toBe(0);
  expect(await version()).toBe("v2");
});
