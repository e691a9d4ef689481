import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { ROLE_LABEL } from "../../constructs/docker/names";
import { localImages } from "../../images/catalog";
import { startLoad } from "../../bench/lib/load";
import { docker, getJson, removeLeftovers, requireDocker } from "./docker";
import { ROOT } from "./helpers";

// Releases on the local Docker Engine under load: 4 clients send requests to 127.0.0.1 for the whole of
// each deploy, and not one may fail: a new version, a version that never gets healthy, a rollback.
jest.setTimeout(900_000);

const ENV = "rolling";
const PORT = 8095;
const work = mkdtempSync(join(tmpdir(), "docker-release-"));
const envDir = join(work, "environments");
const outDir = join(work, "cdktf.out");
const URL = `http://127.0.0.1:${PORT}/healthz`;

/** `local` as a scratch environment, serving `version` (the sample app reports APP_VERSION); `broken` never answers its health path. */
function writeEnvironment(version: string, broken = false): void {
  mkdirSync(envDir, { recursive: true });
  const service = broken
    ? `image: ${JSON.stringify(localImages.exampleApp)}, command: ["python3", "-c", "import time; print('warming up forever', flush=True); time.sleep(3600)"],`
    : "";
  writeFileSync(join(envDir, `${ENV}.ts`), `import base from ${JSON.stringify(join(ROOT, "environments", "local"))};
export default { ...base, host: { ...base.host, httpPort: ${PORT} }, protect: false, state: { backend: "local", path: ${JSON.stringify(join(work, `${ENV}.tfstate`))} },
  service: { ...base.service, startTimeoutSeconds: 20, env: { APP_VERSION: ${JSON.stringify(version)} }, ${service} } };\n`);
}

function deploy(): execa.ExecaSyncReturnValue {
  return execa.sync("npx", ["cdktf", "deploy", ENV, "--auto-approve", "--output", outDir], {
    cwd: ROOT, reject: false, timeout: 600_000, env: { CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0", ENVIRONMENTS_DIR: envDir },
  });
}

/** A deploy with the load running for all of it; the load's counts are printed. */
async function deployUnderLoad(what: string) {
  const load = startLoad(URL, { clients: 4, maxSeconds: 600 });
  const result = await execa("npx", ["cdktf", "deploy", ENV, "--auto-approve", "--output", outDir], {
    cwd: ROOT, reject: false, timeout: 600_000, env: { CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0", ENVIRONMENTS_DIR: envDir },
  });
  const counts = await load.stop();
  console.log(`${what}: ${counts.total} requests in ${counts.seconds.toFixed(1)} s, ${counts.failed} failed ${JSON.stringify(counts.outcomes)}`);
  return { result, counts, output: (result.stdout + result.stderr).replace(/[│╷╵]/g, " ").replace(/\s+/g, " ") };
}

const apps = () => docker(["ps", "--filter", `label=${ROLE_LABEL}=app`, "--filter", `name=^${ENV}-`, "--format", "{{.Names}}"]).split("\n").filter(Boolean).sort();
const version = async () => (await getJson(URL)).body.version;

beforeAll(() => {
  requireDocker();
  removeLeftovers(ENV);
  writeEnvironment("v1");
  const first = deploy();
  if (first.exitCode !== 0) throw new Error(`the first deploy failed:\n${first.stdout}\n${first.stderr}`);
});

afterAll(() => {
  execa.sync("npx", ["cdktf", "destroy", ENV, "--auto-approve", "--output", outDir], { cwd: ROOT, reject: false, env: { ENVIRONMENTS_DIR: envDir } });
});

test("a new version: every request answered during the release, and the new version serves after it", async () => {
  expect(await version()).toBe("v1");
  const before = apps();
  writeEnvironment("v2");
  const { result, counts } = await deployUnderLoad("release v1 → v2");
  expect(result.exitCode).toBe(0);
  expect(counts.total).toBeGreaterThan(100);
  expect(counts.failed).toBe(0);
  expect(await version()).toBe("v2");
  expect(apps()).toHaveLength(2);
  expect(apps().filter((a) => before.includes(a))).toEqual([]);
});

test("a version that never gets healthy: the deploy fails in bounded time naming the replica and its output; every request answered; the old version serves on", async () => {
  const before = apps();
  writeEnvironment("broken", true);
  const started = Date.now();
  const { result, counts, output } = await deployUnderLoad("release v2 → never healthy");
  expect(result.exitCode).not.toBe(0);
  expect((Date.now() - started) / 1000).toBeLessThan(180);
  expect(output).toMatch(new RegExp(`${ENV}-app-\\d-[0-9a-f]{8} did not become healthy within 20s`));
  expect(output).toContain("Its last output: warming up forever");
  expect(counts.failed).toBe(0);
  expect(await version()).toBe("v2");
  expect(apps()).toEqual(before);
  // Nothing of the failed release is left running.
  expect(docker(["ps", "-a", "--filter", `name=^${ENV}-app-`, "--format", "{{.Names}}"]).split("\n").filter(Boolean).sort()).toEqual(before);
});

test("a rollback is a deploy of the previous version, with no cleanup, and drops nothing either", async () => {
  writeEnvironment("v1");
  const { result, counts } = await deployUnderLoad("rollback → v1");
  expect(result.exitCode).toBe(0);
  expect(counts.failed).toBe(0);
  expect(await version()).toBe("v1");
  const plan = execa.sync("npx", ["cdktf", "plan", ENV, "--output", outDir], { cwd: ROOT, reject: false, env: { ENVIRONMENTS_DIR: envDir, FORCE_COLOR: "0" } });
  expect(plan.stdout).toContain("No changes.");
});
