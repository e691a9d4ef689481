import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { ROLE_LABEL } from "../../constructs/docker/names";
import { localImages } from "../../images/catalog";
import { containersOf, docker, getJson, removeLeftovers, requireDocker } from "./docker";
import { ROOT } from "./helpers";

// A real app deployed the way a user deploys theirs: the example FastAPI app (images/example-app: SQLAlchemy
// on Postgres, an Alembic migration, boto3 on the bucket, redis-py on the cache, a worker) with every field of
// the app's contract in its environment file, on this machine's Docker Engine.
jest.setTimeout(900_000);

const APP = "appdemo";
const PLAIN = "nodb";
const PORTS = { [APP]: 8093, [PLAIN]: 8094 };
const SECRET_VARIABLE = "APPDEMO_SECRET_KEY";
const secret = `s3cret-${randomBytes(12).toString("hex")}`;
const work = mkdtempSync(join(tmpdir(), "docker-app-"));
const envDir = join(work, "environments");
const outDir = join(work, "cdktf.out");

/** The environment file of the full app; `service` fields override the defaults below. */
function appEnvironment(service: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    provider: "docker", residency: "eu", location: "de",
    host: { url: "unix:///var/run/docker.sock", bindAddress: "127.0.0.1", httpPort: PORTS[APP] },
    service: {
      image: localImages.exampleApp, replicas: 2, port: 8000, healthPath: "/healthz",
      command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"],
      env: { APP_MODE: "production", LOG_LEVEL: "info" },
      secrets: { SECRET_KEY: { env: SECRET_VARIABLE } },
      release: { command: ["alembic", "upgrade", "head"] },
      ...service,
    },
    workers: { jobs: { command: ["python3", "-m", "app.worker"], replicas: 1 } },
    cache: { engine: "redis" },
    images: { postgres: localImages.postgres, objectStore: localImages.objectstore, proxy: localImages.proxy, backup: localImages.backup, cache: localImages.cache },
    database: {},
    backups: { retentionDays: 7 },
    protect: false,
    state: { backend: "local", path: join(work, `${APP}.tfstate`) },
  };
}

/** A Flask-style API with one key and no database or bucket: health at /api/health. */
const plainEnvironment = {
  provider: "docker", residency: "eu", location: "no", // Norway: in the EEA, so allowed by "eu"
  host: { url: "unix:///var/run/docker.sock", bindAddress: "127.0.0.1", httpPort: PORTS[PLAIN] },
  service: {
    image: localImages.exampleApp, replicas: 1, port: 8000, healthPath: "/api/health",
    secrets: { SECRET_KEY: { env: SECRET_VARIABLE } },
  },
  images: { postgres: localImages.postgres, objectStore: localImages.objectstore, proxy: localImages.proxy, backup: localImages.backup },
  database: false,
  bucket: false,
  state: { backend: "local", path: join(work, `${PLAIN}.tfstate`) },
};

function writeEnvironment(name: string, data: Record<string, unknown>): void {
  mkdirSync(envDir, { recursive: true });
  writeFileSync(join(envDir, `${name}.ts`), `export default ${JSON.stringify(data, null, 2)};\n`);
}

function cdktf(args: string[], env: Record<string, string> = {}): execa.ExecaSyncReturnValue {
  return execa.sync("npx", ["cdktf", ...args, "--output", outDir], {
    cwd: ROOT, reject: false, timeout: 600_000,
    env: { CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0", ENVIRONMENTS_DIR: envDir, [SECRET_VARIABLE]: secret, ...env },
  });
}

function npmRun(script: string, args: string[], env: Record<string, string> = {}): execa.ExecaSyncReturnValue {
  return execa.sync("npm", ["run", "--silent", script, "--", ...args], {
    cwd: ROOT, reject: false, env: { ENVIRONMENTS_DIR: envDir, CDKTF_OUTDIR: outDir, [SECRET_VARIABLE]: secret, ...env },
  });
}

const url = (name: keyof typeof PORTS, path: string) => `http://127.0.0.1:${PORTS[name]}${path}`;
const byRole = (env: string, role: string) => docker(["ps", "-a", "--filter", `label=${ROLE_LABEL}=${role}`, "--filter", `name=^${env}-`, "--format", "{{.Names}}"]).split("\n").filter(Boolean).sort();
const inspect = (container: string, format: string) => JSON.parse(docker(["inspect", "--format", `{{json ${format}}}`, container]));
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
/** What a container printed, stdout and stderr (Python logs to stderr). */
const logsOf = (container: string) => execa.sync("sh", ["-c", 'docker logs "$1" 2>&1', "sh", container]).stdout;
/** The CLI's output as one line of words: terraform wraps its messages and frames them in box characters. */
const flat = (run: execa.ExecaSyncReturnValue) => (run.stdout + run.stderr).replace(/\u001b\[[0-9;]*[A-Za-z]/g, "").replace(/[│╷╵├─]/g, " ").replace(/\s+/g, " ");
/** The variables a container was given, beyond those its image sets. */
function variablesOf(container: string): string[] {
  const image = new Set((JSON.parse(docker(["image", "inspect", "--format", "{{json .Config.Env}}", inspect(container, ".Config.Image")])) as string[]).map((e) => e.split("=")[0]));
  return (inspect(container, ".Config.Env") as string[]).map((e) => e.split("=")[0]).filter((n) => !image.has(n)).sort();
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function send(method: string, path: string, body?: string | object): Promise<{ status: number; body: any }> {
  const response = await fetch(url(APP, path), {
    method, body: typeof body === "object" ? JSON.stringify(body) : body,
    headers: typeof body === "object" ? { "content-type": "application/json" } : { "content-type": "text/plain" },
  });
  const text = await response.text();
  return { status: response.status, body: response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text };
}

/** An object in the environment's bucket, read with the backup sidecar's S3 client (not the app's). */
function objectInBucket(bucket: string, key: string): string {
  const script = [
    "export RCLONE_CONFIG_S_TYPE=s3 RCLONE_CONFIG_S_PROVIDER=Other RCLONE_CONFIG_S_ENDPOINT=\"$S3_ENDPOINT\"",
    "RCLONE_CONFIG_S_REGION=\"$S3_REGION\" RCLONE_CONFIG_S_ACCESS_KEY_ID=\"$S3_ACCESS_KEY_ID\" RCLONE_CONFIG_S_SECRET_ACCESS_KEY=\"$S3_SECRET_ACCESS_KEY\"",
    "RCLONE_CONFIG_S_FORCE_PATH_STYLE=true;",
    `rclone cat "s:${bucket}/${key}"`,
  ].join(" ");
  return docker(["exec", `${APP}-backup`, "sh", "-c", script]);
}

/** Every file under `dir`, as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && statSync(join(e.parentPath, e.name)).size < 50_000_000)
    .map((e) => ({ path: join(e.parentPath, e.name), text: readFileSync(join(e.parentPath, e.name), "latin1") }));
}

beforeAll(() => {
  requireDocker();
  for (const env of [APP, PLAIN]) removeLeftovers(env);
  writeEnvironment(APP, appEnvironment());
  writeEnvironment(PLAIN, plainEnvironment);
});

afterAll(() => {
  for (const env of [APP, PLAIN]) cdktf(["destroy", env, "--auto-approve"]);
});

describe("an app with every part of the contract", () => {
  test("a missing secret fails the plan, naming the variable and the file, before anything exists", () => {
    const deploy = cdktf(["deploy", APP, "--auto-approve"], { [SECRET_VARIABLE]: "" });
    expect(deploy.exitCode).not.toBe(0);
    expect(flat(deploy)).toMatch(new RegExp(`${SECRET_VARIABLE} is empty: \\S*environments/${APP}\\.ts: service\\.secrets\\.SECRET_KEY reads its value from it`));
    expect(containersOf(APP, true)).toEqual([]);
  });

  test("deploys: the migration ran before the app served, and the app has its configuration and its secret", async () => {
    const deploy = cdktf(["deploy", APP, "--auto-approve"]);
    expect(deploy.stdout + deploy.stderr).toContain("Apply complete!");
    expect(deploy.exitCode).toBe(0);

    const config = await getJson(url(APP, "/config"));
    expect(config).toEqual({ status: 200, body: expect.objectContaining({
      app_mode: "production", log_level: "info", secret_key_sha256: sha256(secret), schema_revision: "0001",
      parts: { database: true, bucket: true, cache: true },
    }) });
    expect((await getJson(url(APP, "/healthz"))).body).toMatchObject({ status: "ok", database: true, bucket: true, cache: true });

    // The release command ran once, to completion, before either replica started.
    const [release] = byRole(APP, "release");
    expect(inspect(release, ".State")).toMatchObject({ Status: "exited", ExitCode: 0 });
    expect(logsOf(release)).toContain("example-app migration 0001");
    const finished = Date.parse(inspect(release, ".State.FinishedAt"));
    const apps = byRole(APP, "app");
    expect(apps).toHaveLength(2);
    for (const app of apps) expect(Date.parse(inspect(app, ".State.StartedAt"))).toBeGreaterThan(finished);
  });

  test("what the app, its workers and its release receive: the contract, its env and its secrets, and nothing published but the proxy", () => {
    const [app] = byRole(APP, "app");
    const [worker] = byRole(APP, "worker");
    const contract = ["APP_MODE", "DATABASE_URL", "LOG_LEVEL", "REDIS_URL", "S3_ACCESS_KEY_ID", "S3_BUCKET", "S3_ENDPOINT", "S3_REGION", "S3_SECRET_ACCESS_KEY", "SECRET_KEY"];
    expect(variablesOf(app)).toEqual([...contract, "PORT"].sort());
    expect(variablesOf(worker)).toEqual(contract);
    expect(variablesOf(byRole(APP, "release")[0])).toEqual(contract);
    expect(inspect(app, ".Config.Cmd")).toEqual(["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]);
    expect(inspect(worker, ".Config.Cmd")).toEqual(["python3", "-m", "app.worker"]);
    expect(inspect(worker, ".HostConfig.RestartPolicy.Name")).toBe("unless-stopped");
    // The health check runs the project's probe (the image has no curl).
    expect(inspect(app, ".State.Health.Status")).toBe("healthy");
    expect(inspect(app, ".Config.Healthcheck.Test")).toEqual(["CMD", "/opt/portable-backend/probe/httpcheck", "-status", "200-299", "-timeout", "3s", "http://127.0.0.1:8000/healthz"]);
    for (const container of containersOf(APP)) {
      const bindings = inspect(container, ".HostConfig.PortBindings") ?? {};
      expect({ container, published: Object.keys(bindings).length > 0 }).toEqual({ container, published: container === `${APP}-proxy` });
    }
    // The cache: a password, the internal network only.
    expect(Object.keys(inspect(`${APP}-cache`, ".NetworkSettings.Networks"))).toEqual([`${APP}-internal`]);
    expect(docker(["exec", `${APP}-cache`, "redis-cli", "ping"])).toMatch(/NOAUTH/);
  });

  test("a worker drains the Redis queue the app fills; uploads land in the bucket; notes in Postgres", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const job = await send("POST", "/jobs", { payload: `job ${i}` });
      expect(job.status).toBe(201);
      ids.push(job.body.id);
    }
    for (const id of ids) {
      await until(async () => ((await send("GET", `/jobs/${id}`)).body.status === "done" ? true : undefined), `job ${id} to be done`);
    }
    expect(docker(["exec", "-e", "REDISCLI_AUTH", `${APP}-cache`, "sh", "-c", "REDISCLI_AUTH=$REDIS_PASSWORD redis-cli llen jobs"])).toBe("0");
    expect(logsOf(byRole(APP, "worker")[0])).toMatch(/job \d+ done/);

    const upload = await send("PUT", "/uploads/report.txt", "pupils' marks, term 1");
    expect(upload.status).toBe(201);
    expect(objectInBucket(`${APP}-data`, "uploads/report.txt")).toBe("pupils' marks, term 1");

    expect((await send("POST", "/notes", { body: "kept" })).status).toBe(201);
    expect((await send("GET", "/notes")).body.notes).toEqual([expect.objectContaining({ body: "kept" })]);
  });

  test("a second plan shows no changes", () => {
    const plan = cdktf(["plan", APP]);
    expect(plan.stdout).toContain("No changes.");
    expect(plan.exitCode).toBe(0);
  });

  test("a release whose release command fails leaves the previous version serving, and the deploy names the command and its output", async () => {
    const before = { apps: byRole(APP, "app"), workers: byRole(APP, "worker"), ids: byRole(APP, "app").map((c) => inspect(c, ".Id")) };
    writeEnvironment(APP, appEnvironment({
      env: { APP_MODE: "broken-release", LOG_LEVEL: "info" },
      release: { command: ["sh", "-c", "echo applying migration 0002; echo 'relation \"pupils\" does not exist' >&2; exit 3"] },
    }));
    const deploy = cdktf(["deploy", APP, "--auto-approve"]);
    expect(deploy.exitCode).not.toBe(0);
    const output = flat(deploy);
    expect(output).toContain("The release command");
    expect(output).toContain("failed, so the new version was not started and the previous one keeps serving");
    expect(output).toContain("relation \"pupils\" does not exist");
    expect(output).toMatch(new RegExp(`container ${APP}-release-[0-9a-f]{8} exited with 3`));

    expect({ apps: byRole(APP, "app"), workers: byRole(APP, "worker"), ids: byRole(APP, "app").map((c) => inspect(c, ".Id")) }).toEqual(before);
    expect((await getJson(url(APP, "/config"))).body).toMatchObject({ app_mode: "production" });

    // Fixed, the next deploy goes through with no cleanup by hand.
    writeEnvironment(APP, appEnvironment({ env: { APP_MODE: "second-release", LOG_LEVEL: "info" } }));
    const fixed = cdktf(["deploy", APP, "--auto-approve"]);
    expect(fixed.exitCode).toBe(0);
    expect((await getJson(url(APP, "/config"))).body).toMatchObject({ app_mode: "second-release", schema_revision: "0001" });
    expect(byRole(APP, "app")).toHaveLength(2);
    expect(byRole(APP, "app")).not.toEqual(before.apps);
    expect(byRole(APP, "release")).toHaveLength(1);
    expect((await send("GET", "/notes")).body.notes).toEqual([expect.objectContaining({ body: "kept" })]);
  });

  test("the secret's value is in none of cdktf.out, the plan files and comment, or the drift report", () => {
    const rotated = `${secret}-rotated`;
    // A plan that changes the secret: every container of the release is replaced, with its environment.
    const plan = npmRun("plan", [APP, "--out", join(outDir, "plans")], { [SECRET_VARIABLE]: rotated });
    expect(plan.stdout).toMatch(new RegExp(`^${APP}: Plan: \\d+ to add, 0 to change, \\d+ to destroy\\.$`, "m"));
    const report = npmRun("plan-report", ["--in", join(outDir, "plans")]);
    expect(report.exitCode).toBe(0);
    expect(report.stdout).toContain(APP);

    docker(["stop", byRole(APP, "worker")[0]]);
    const drift = npmRun("drift", [APP, "--report", join(outDir, "drift-report.json")]);
    expect(drift.exitCode).toBe(2);

    const outputs = [plan.stdout, plan.stderr, report.stdout, report.stderr, drift.stdout, drift.stderr];
    const files = filesUnder(outDir).filter((f) => !f.path.includes(`${join("stacks", APP, ".terraform")}/`) && !f.path.endsWith(".bin"));
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining([expect.stringMatching(/plan\.json$/), expect.stringMatching(/drift-report\.json$/), expect.stringMatching(/cdk\.tf\.json$/)]));
    for (const value of [secret, rotated]) {
      for (const text of outputs) expect(text).not.toContain(value);
      for (const file of files) expect({ file: file.path, leaks: file.text.includes(value) }).toEqual({ file: file.path, leaks: false });
    }
    expect(cdktf(["deploy", APP, "--auto-approve"]).exitCode).toBe(0); // the worker back
  });
});

describe("an app with no database and no bucket", () => {
  test("deploys with neither, nor anything for them: no database, store or backup container, no variables, outputs say none", async () => {
    const deploy = cdktf(["deploy", PLAIN, "--auto-approve"]);
    expect(deploy.exitCode).toBe(0);
    // The CLI's last frame wraps long lines; terraform's own listing of the outputs does not.
    expect(deploy.stdout).toMatch(/database_host_\w+ = "none: \S*nodb\.ts has database: false"/);
    expect(deploy.stdout).toMatch(/backup_location_\w+ = "none: \S*nodb\.ts has no database \(database: false\)"/);
    expect(deploy.stdout).toMatch(/bucket_name_\w+ = "none: \S*nodb\.ts has bucket: false"/);

    expect((await getJson(url(PLAIN, "/api/health"))).body).toMatchObject({ status: "ok", database: null, bucket: null, cache: null });
    expect((await getJson(url(PLAIN, "/config"))).body).toMatchObject({ secret_key_sha256: sha256(secret), parts: { database: false, bucket: false, cache: false } });
    const roles = containersOf(PLAIN, true).map((c) => docker(["inspect", "--format", `{{index .Config.Labels "${ROLE_LABEL}"}}`, c])).sort();
    expect(roles).toEqual(["app", "probe-install", "proxy", "route"]);
    const [app] = byRole(PLAIN, "app");
    expect((inspect(app, ".Config.Env") as string[]).map((e) => e.split("=")[0]).filter((n) => /^(DATABASE|S3|REDIS)_/.test(n))).toEqual([]);
    const volumes = docker(["volume", "ls", "--format", "{{.Name}}"]).split("\n");
    expect(volumes.filter((v) => v.startsWith(`${PLAIN}-`))).toEqual([`${PLAIN}-probe`, `${PLAIN}-proxy-data`]);
  });
});
