import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import execa from "execa";
import { ROLE_LABEL } from "../../constructs/docker/names";
import { MACHINE_OUTPUTS } from "../../constructs/hetzner/outputs";
import { localImages } from "../../images/catalog";
import { privateAddresses } from "../../constructs/hetzner/addresses";
import { startLoad } from "../../bench/lib/load";
import { removeStandinLeftovers, StandinVps, startStandinVps } from "../support/standin-vps";
import { backupRestoreDrill } from "../support/backup-drill";
import { ROOT } from "./helpers";

// A Hetzner environment's containers' stack deployed for real, onto stand-ins for its servers: a data
// server and an app server (stand-in VPSs: their own Docker Engines, key-only sshd on 127.0.0.1) on a
// private network the test makes with the environment's subnet, so each has the private address the
// environment gives it, and an S3 server on that network in Object Storage's place. The machines' stack
// is what Hetzner would run; its outputs (MACHINE_OUTPUTS), the only thing the containers' stack reads
// of it, are written into its state as the stand-ins' addresses and host keys.
jest.setTimeout(1_500_000);

const ENV = "hzapps";
const CIDR = "10.213.0.0/16";
const addresses = privateAddresses(CIDR); // data 10.213.1.10, app-1 10.213.1.21
const S3_IP = "10.213.1.50";
const NETWORK = "hzapps-test-private";
const S3 = "hzapps-test-objectstorage";
const S3_KEYS = { access: randomBytes(10).toString("hex"), secret: randomBytes(20).toString("hex") };
const SECRET = `hzapps-secret-${randomBytes(12).toString("hex")}`;
const BACKUP_KEY = randomBytes(32).toString("base64");

const work = mkdtempSync(join(tmpdir(), "hzapps-test-"));
const envDir = join(work, "environments");
const outDir = join(work, "cdktf.out");
const statePath = join(work, "terraform.tfstate"); // the machines'; the containers' is terraform-apps.tfstate beside it
let data: StandinVps;
let app: StandinVps;
let url: string;

function writeEnvironment(version: string): void {
  mkdirSync(envDir, { recursive: true });
  writeFileSync(join(envDir, `${ENV}.ts`), `export default ${JSON.stringify({
    provider: "hetzner", residency: "eu", location: "fsn1",
    service: {
      image: localImages.app, replicas: 1, healthPath: "/healthz", env: { APP_VERSION: version },
      secrets: { SECRET_KEY: { env: "HZAPPS_SECRET_KEY" } },
      release: { command: ["version"] }, // the test app's one-shot command, standing in for a migration
    },
    workers: { jobs: { command: ["serve"], replicas: 1 } }, // the test app has no worker mode: one that runs is what counts
    database: {},
    bucket: { versioning: false },
    cache: { engine: "redis" },
    // Off-site copies go to the machines' stack's bucket in another location (here the same stand-in S3 server).
    backups: { retentionDays: 7, schedule: "daily", encryptionKey: { env: "HZAPPS_BACKUP_KEY" } },
    network: { cidr: CIDR },
    images: { postgres: localImages.postgres, proxy: localImages.proxy, backup: localImages.backup, cache: localImages.cache },
    protect: false,
    state: { backend: "local", path: statePath },
  })};\n`);
}

/** The machines' stack's state as a deploy of it leaves it, with the stand-ins in the servers' place. */
function writeMachinesState(knownHosts: { data: string; app: string }): void {
  const knownHost = (vps: StandinVps, key: string) => `[127.0.0.1]:${vps.sshPort} ${key}`;
  const outputs: Record<string, string> = {
    [MACHINE_OUTPUTS.ssh("data")]: data.url,
    [MACHINE_OUTPUTS.knownHosts("data")]: knownHost(data, knownHosts.data),
    [MACHINE_OUTPUTS.ssh("app-1")]: app.url,
    [MACHINE_OUTPUTS.knownHosts("app-1")]: knownHost(app, knownHosts.app),
    [MACHINE_OUTPUTS.serviceUrl]: url,
    [MACHINE_OUTPUTS.objectStorageEndpoint]: `http://${S3_IP}:7070`,
    [MACHINE_OUTPUTS.objectStorageRegion]: "fsn1",
    [MACHINE_OUTPUTS.offsiteEndpoint]: `http://${S3_IP}:7070`,
    [MACHINE_OUTPUTS.offsiteRegion]: "fsn1",
  };
  writeFileSync(statePath, JSON.stringify({
    version: 4, terraform_version: "1.10.0", serial: 1, lineage: "hzapps-test-machines", resources: [],
    outputs: Object.fromEntries(Object.entries(outputs).map(([k, value]) => [k, { value, type: "string" }])),
  }));
}

const env = () => ({
  CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0", ENVIRONMENTS_DIR: envDir, CDKTF_OUTDIR: outDir, ...data.env,
  TF_VAR_object_storage_access_key: S3_KEYS.access, TF_VAR_object_storage_secret_key: S3_KEYS.secret, HZAPPS_SECRET_KEY: SECRET,
  HZAPPS_BACKUP_KEY: BACKUP_KEY,
});
// Only the containers' stack: its dependency, the machines' stack, is the stand-ins.
const cdktf = (args: string[]) => execa("npx", ["cdktf", ...args, "--output", outDir], { cwd: ROOT, reject: false, timeout: 1_200_000, env: env() });
const deployApps = () => cdktf(["deploy", `${ENV}-apps`, "--auto-approve", "--ignore-missing-stack-dependencies"]);
const npmRun = (script: string, args: string[]) => execa("npm", ["run", "--silent", script, "--", ...args], { cwd: ROOT, reject: false, env: env() });
const psql = (sql: string) => data.docker(["exec", `${ENV}-postgres`, "psql", "-U", "app", "-d", "app", "-v", "ON_ERROR_STOP=1", "-tAc", sql]);
const version = async () => ((await (await fetch(`${url}/healthz`)).json()) as { version: string }).version;
const local = (args: string[]) => execa("docker", args, { reject: false, timeout: 120_000 });
const containers = async (vps: StandinVps) => (await vps.docker(["ps", "--format", "{{.Names}}\t{{.Ports}}"])).split("\n").filter(Boolean);

beforeAll(async () => {
  // What an earlier run left (the network goes only once nothing is on it).
  for (const name of ["hzapps-data", "hzapps-app-1"]) await removeStandinLeftovers(name);
  await local(["rm", "-f", S3]);
  await local(["network", "rm", NETWORK]);
  const made = await local(["network", "create", "--subnet", addresses.subnet, NETWORK]);
  if (made.exitCode !== 0) throw new Error(`docker network create ${NETWORK}: ${made.stderr}`);
  data = await startStandinVps("hzapps-data", { network: { name: NETWORK, ip: addresses.database } });
  app = await startStandinVps("hzapps-app-1", { network: { name: NETWORK, ip: addresses.app(1) }, publish: [80], agentOf: data });
  url = `http://127.0.0.1:${app.ports[80]}`;
  const s3 = await local(["run", "-d", "--name", S3, "--network", NETWORK, "--ip", S3_IP, "-e", `ROOT_ACCESS_KEY=${S3_KEYS.access}`,
    "-e", `ROOT_SECRET_KEY=${S3_KEYS.secret}`, "-e", "VGW_REGION=fsn1", localImages.objectstore]);
  if (s3.exitCode !== 0) throw new Error(`starting the S3 server: ${s3.stderr}`);
  // The off-site bucket, as the machines' stack makes it (the data and backup buckets the sidecar and the release make).
  const offsite = await local(["run", "--rm", "--network", NETWORK, "-e", `S3_ENDPOINT=http://${S3_IP}:7070`, "-e", "S3_REGION=fsn1", "-e", "S3_BUCKET=hzapps-data-offsite",
    "-e", `S3_ACCESS_KEY_ID=${S3_KEYS.access}`, "-e", `S3_SECRET_ACCESS_KEY=${S3_KEYS.secret}`,
    "--entrypoint", "sh", localImages.backup, "-c", "for i in $(seq 60); do backup ensure-bucket && exit 0; sleep 1; done; exit 1"]);
  if (offsite.exitCode !== 0) throw new Error(`creating the off-site bucket: ${offsite.stderr}`);
  // What runs where: the data server runs Postgres, Redis, the backups and the release; the app server, a replica and its proxy.
  await data.loadImages([localImages.postgres, localImages.cache, localImages.backup, localImages.app], { timeoutMs: 600_000 });
  await app.loadImages([localImages.app, localImages.proxy], { timeoutMs: 600_000 });
  writeEnvironment("v1");
}, 1_500_000);

afterAll(async () => {
  if (data && app) await cdktf(["destroy", `${ENV}-apps`, "--auto-approve", "--ignore-missing-stack-dependencies"]);
  await app?.stop();
  await data?.stop();
  await local(["rm", "-f", S3]);
  await local(["network", "rm", NETWORK]);
});

test("a server whose host key is not the one the machines' stack made is refused before anything is deployed", async () => {
  writeMachinesState({ data: data.hostKey, app: data.hostKey }); // app-1's line names data's key
  const deploy = await deployApps();
  expect(deploy.exitCode).not.toBe(0);
  expect(deploy.stdout + deploy.stderr).toMatch(/Host key verification failed|host key/i);
  expect(await containers(app)).toEqual([]);
});

test("deploys the containers onto the servers over ssh: data services on the data server's private address only, the app behind its proxy on the app server", async () => {
  writeMachinesState({ data: data.hostKey, app: app.hostKey });
  const deploy = await deployApps();
  expect(deploy.stdout + deploy.stderr).toContain("Apply complete!");
  expect(deploy.exitCode).toBe(0);
  // Across the private network: the app on app-1 uses Postgres on the data server, and the bucket on Object Storage.
  expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: "ok", database: { reachable: true }, bucket: { reachable: true }, version: "v1" });

  const onData = await containers(data);
  const published = onData.filter((l) => /->/.test(l)).sort();
  expect(published).toEqual([
    expect.stringMatching(new RegExp(`^${ENV}-cache\\t${addresses.database.replace(/\./g, "\\.")}:6379->6379/tcp$`)),
    expect.stringMatching(new RegExp(`^${ENV}-postgres\\t${addresses.database.replace(/\./g, "\\.")}:5432->5432/tcp$`)),
  ]);
  expect(onData.map((l) => l.split("\t")[0]).filter((n) => n.startsWith(`${ENV}-app-`))).toEqual([]);
  const onApp = await containers(app);
  expect(onApp.filter((l) => /->/.test(l))).toEqual([expect.stringMatching(new RegExp(`^${ENV}-proxy\\t0\\.0\\.0\\.0:80->80/tcp`))]);
  const [replica] = onApp.map((l) => l.split("\t")[0]).filter((n) => n.startsWith(`${ENV}-app-1-`));
  expect(replica).toBeDefined();

  // The release command ran once, on the data server, and succeeded; the worker runs there too.
  const byRole = async (vps: StandinVps, role: string) => (await vps.docker(["ps", "-a", "--filter", `label=${ROLE_LABEL}=${role}`, "--format", "{{.Names}}\t{{.Status}}"])).split("\n").filter(Boolean);
  expect(await byRole(data, "release")).toEqual([expect.stringMatching(new RegExp(`^${ENV}-release-[0-9a-f]{8}\tExited \\(0\\)`))]);
  expect(await byRole(data, "worker")).toEqual([expect.stringMatching(new RegExp(`^${ENV}-worker-jobs-1-[0-9a-f]{8}\tUp `))]);
  // The secret reached the app's container on its server, read from the deployer's variable at plan time, and was written nowhere here.
  const vars = JSON.parse(await app.docker(["inspect", "--format", "{{json .Config.Env}}", replica])) as string[];
  expect(vars).toContain(`SECRET_KEY=${SECRET}`);
  expect(execa.sync("grep", ["-rl", SECRET, outDir], { reject: false }).stdout).toBe("");
});

test("a second plan shows no changes", async () => {
  const plan = await cdktf(["plan", `${ENV}-apps`, "--ignore-missing-stack-dependencies"]);
  expect(plan.stdout).toContain("No changes.");
  expect(plan.exitCode).toBe(0);
});

test("backups go to Object Storage, encrypted, and off-site: a row survives a backup, a dropped table and a restore (npm run backup / restore, on the data server)", async () => {
  await backupRestoreDrill(ENV, npmRun, psql);
  const listed = await npmRun("backup", [ENV, "--list"]);
  expect(listed.exitCode).toBe(0);
  // verified where it was made, and copied to the off-site bucket
  expect(listed.stdout).toMatch(/backups\/app-\d{8}T\d{6}Z\.dump \d+ .* verified\(/);
  expect(listed.stdout).toMatch(/Off-site copies:\nbackups\/app-\d{8}T\d{6}Z\.dump \d+ /);
  expect(listed.stdout).toMatch(/Last run: ok /);
});

test("a release drops no request and touches neither Postgres nor Redis", async () => {
  const id = (role: string) => data.docker(["ps", "-q", "--no-trunc", "--filter", `label=${ROLE_LABEL}=${role}`]);
  const ids = async () => [await id("postgres"), await id("cache")];
  const before = await ids();
  writeEnvironment("v2");
  const load = startLoad(`${url}/healthz`, { clients: 4, maxSeconds: 900 });
  const deploy = await deployApps();
  const counts = await load.stop();
  console.log(`hetzner (stand-ins) release v1 → v2: ${counts.total} requests in ${counts.seconds.toFixed(1)} s, ${counts.failed} failed ${JSON.stringify(counts.outcomes)}`);
  expect(deploy.exitCode).toBe(0);
  expect(counts.total).toBeGreaterThan(100);
  expect(counts.failed).toBe(0);
  expect(await version()).toBe("v2");
  expect(before.every((containerId) => /^[0-9a-f]{64}$/.test(containerId))).toBe(true);
  expect(await ids()).toEqual(before);
});
