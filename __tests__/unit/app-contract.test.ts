import { Testing } from "cdktf";
import { BackendStack, environmentStacks } from "../../constructs/backend-stack";
import { localImages } from "../../images/catalog";
import { EnvironmentError, validateEnvironment } from "../../lib/environment";
import { shippedEnvironment } from "../support/shipped-environments";
import { VALID_HETZNER } from "../support/valid-environment";

// The app's contract (README "Deploying your app") as each target synthesizes it: what the app, its workers
// and its release command receive, and what exists for the parts an environment turns off.

const APP = {
  image: "registry.example/acme/api:1.4.2", replicas: 2, port: 8000, healthPath: "/healthz",
  command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"],
  env: { APP_MODE: "production", LOG_LEVEL: "info" },
  secrets: { SECRET_KEY: { env: "ACME_SECRET_KEY" }, SMTP_PASSWORD: { env: "ACME_SMTP_PASSWORD" } },
  release: { command: ["alembic", "upgrade", "head"] },
};
const WORKERS = { jobs: { command: ["python3", "-m", "app.worker"], replicas: 2 } };
const DOCKER_IMAGES = { postgres: localImages.postgres, objectStore: localImages.objectstore, proxy: localImages.proxy, backup: localImages.backup, cache: localImages.cache };

function synth(raw: Record<string, unknown>, name = "acme") {
  const env = validateEnvironment(raw, `environments/${name}.ts`);
  return JSON.parse(Testing.synth(new BackendStack(Testing.app(), env)));
}

const docker = (overrides: Record<string, unknown> = {}) => synth({
  provider: "docker", residency: "eu", location: "de", host: { url: "unix:///var/run/docker.sock" },
  service: APP, workers: WORKERS, cache: { engine: "redis" }, images: DOCKER_IMAGES,
  database: {}, backups: { retentionDays: 7 }, protect: false, state: { backend: "local" }, ...overrides,
});
const containers = (json: any) => Object.values<any>(json.resource.docker_container ?? {});
const withRole = (json: any, role: string) => containers(json).filter((c) => c.labels.some((l: any) => l.label === "io.portable-backend.role" && l.value === role));
const variables = (container: any) => Object.fromEntries((container.env as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));

describe("Docker", () => {
  const json = docker();

  test("the app's replicas get the contract, its env and its secrets (read from the deployer's variables at plan time), and their command", () => {
    const apps = withRole(json, "app");
    expect(apps).toHaveLength(2);
    const vars = variables(apps[0]);
    expect(Object.keys(vars).sort()).toEqual(["APP_MODE", "DATABASE_URL", "LOG_LEVEL", "PORT", "REDIS_URL", "S3_ACCESS_KEY_ID", "S3_BUCKET", "S3_ENDPOINT", "S3_REGION", "S3_SECRET_ACCESS_KEY", "SECRET_KEY", "SMTP_PASSWORD"]);
    expect(vars).toMatchObject({ PORT: "8000", APP_MODE: "production", S3_BUCKET: "acme-data", S3_ENDPOINT: "http://objectstore:7070" });
    expect(vars.DATABASE_URL).toMatch(/^postgres:\/\/app:\$\{random_password\.[\w-]+\.result\}@postgres:5432\/app\?sslmode=disable$/);
    expect(vars.REDIS_URL).toMatch(/^redis:\/\/:\$\{random_password\.[\w-]+\.result\}@cache:6379\/0$/);
    expect(vars.SECRET_KEY).toMatch(/^\$\{data\.portable_deployer_secret\.[\w-]*SECRET_KEY[\w-]*\.value\}$/);
    expect(apps[0].command).toEqual(APP.command);
    expect(Object.values(json.data.portable_deployer_secret).map((d: any) => ({ variable: d.variable, used_by: d.used_by }))).toEqual([
      { variable: "ACME_SECRET_KEY", used_by: "environments/acme.ts: service.secrets.SECRET_KEY" },
      { variable: "ACME_SMTP_PASSWORD", used_by: "environments/acme.ts: service.secrets.SMTP_PASSWORD" },
    ]);
  });

  test("health is checked by the project's probe, mounted read-only: nothing is needed inside the app's image", () => {
    for (const app of withRole(json, "app")) {
      expect(app.healthcheck.test).toEqual(["CMD", "/opt/portable-backend/probe/httpcheck", "-status", "200-299", "-timeout", "3s", "http://127.0.0.1:8000/healthz"]);
      expect(app.volumes).toEqual([expect.objectContaining({ container_path: "/opt/portable-backend/probe", read_only: true })]);
      expect(app.wait).toBe(true);
    }
  });

  test("a release: its command runs once, gated on its exit code, before any replica or worker of it starts; every container of it is named by the release and created before the old ones go", () => {
    const [release] = withRole(json, "release");
    expect(release).toMatchObject({ command: APP.release.command, must_run: false, attach: true, logs: true, restart: "no" });
    expect(release.lifecycle.postcondition[0].condition).toBe("${self.exit_code == 0}");
    expect(variables(release)).not.toHaveProperty("PORT");
    const releaseAddress = Object.entries<any>(json.resource.docker_container).find(([, c]) => c === release)![0];
    for (const container of [...withRole(json, "app"), ...withRole(json, "worker")]) {
      expect(container.depends_on).toContain(`docker_container.${releaseAddress}`);
      expect(container.lifecycle).toEqual({ create_before_destroy: true });
      expect(container.name).toMatch(/^acme-(app|worker)-[a-z0-9-]+-\$\{random_id\.[\w-]+\.hex\}$/);
    }
    expect(release.name).toMatch(/^acme-release-\$\{random_id\.[\w-]+\.hex\}$/);
  });

  test("workers: the same image, variables (no PORT) and secrets, their own command, no ports, restarted", () => {
    const workers = withRole(json, "worker");
    expect(workers).toHaveLength(2);
    const app = variables(withRole(json, "app")[0]);
    const { PORT: _port, ...withoutPort } = app;
    for (const worker of workers) {
      expect(worker).toMatchObject({ command: WORKERS.jobs.command, restart: "unless-stopped", image: withRole(json, "app")[0].image });
      expect(worker.ports).toBeUndefined();
      expect(variables(worker)).toEqual(withoutPort);
    }
  });

  test("the cache: Redis with a generated password, on the internal network only, no host port", () => {
    const [cache] = withRole(json, "cache");
    expect(cache.image).toMatch(/docker_image\.[\w-]+\.image_id/);
    expect(cache.networks_advanced).toEqual([{ name: expect.stringContaining("internal"), aliases: ["cache"] }]);
    expect(cache.ports).toBeUndefined();
    expect(cache.env).toEqual([expect.stringMatching(/^REDIS_PASSWORD=\$\{random_password\.[\w-]+\.result\}$/)]);
  });

  test("database: false and bucket: false: no container, volume, backup or variable for them; the outputs say so", () => {
    const none = docker({ database: false, bucket: false, backups: undefined, cache: undefined, workers: {} });
    const roles = containers(none).map((c) => c.labels.find((l: any) => l.label === "io.portable-backend.role").value).sort();
    expect(roles).toEqual(["app", "app", "probe-install", "proxy", "release", "route"]);
    expect(Object.keys(none.resource.docker_volume)).toEqual([expect.stringContaining("probe"), expect.stringContaining("certificates")].sort());
    expect(Object.keys(variables(withRole(none, "app")[0])).sort()).toEqual(["APP_MODE", "LOG_LEVEL", "PORT", "SECRET_KEY", "SMTP_PASSWORD"]);
    const outputs = Object.fromEntries(Object.entries<any>(none.output).map(([k, v]) => [k.replace(/^app_(.*)_[0-9A-F]{8}$/, "$1"), v.value]));
    expect(outputs).toMatchObject({
      database_host: "none: environments/acme.ts has database: false",
      bucket_name: "none: environments/acme.ts has bucket: false",
      backup_location: "none: environments/acme.ts has no database (database: false)",
      cache_host: "none: environments/acme.ts has no cache",
    });
  });

  test("a database without a bucket keeps an object store for the dumps only, and gives the app no S3 variables", () => {
    const dumpsOnly = docker({ bucket: false, cache: undefined, workers: {} });
    expect(withRole(dumpsOnly, "objectstore")).toHaveLength(1);
    expect(variables(withRole(dumpsOnly, "backup")[0])).toMatchObject({ S3_BUCKET: "acme-backups" });
    expect(Object.keys(variables(withRole(dumpsOnly, "app")[0])).filter((n) => n.startsWith("S3_"))).toEqual([]);
    expect(variables(withRole(dumpsOnly, "ready")[0])).toEqual({
      READY_POSTGRES: "postgres:5432", READY_POSTGRES_MAJOR: "17", PGUSER: "app", PGPASSWORD: expect.stringMatching(/^\$\{random_password\.[\w-]+\.result\}$/), PGDATABASE: "app",
    });
  });

  test("no container of a release depends on the database, store or cache container: Terraform would make those create-before-destroy too", () => {
    const addressOf = (role: string) => `docker_container.${Object.entries<any>(json.resource.docker_container).find(([, c]) => withRole(json, role).includes(c))![0]}`;
    const stateful = ["postgres", "objectstore", "cache"].map(addressOf);
    for (const role of ["ready", "release", "app", "worker"]) {
      for (const container of withRole(json, role)) expect((container.depends_on ?? []).filter((d: string) => stateful.includes(d))).toEqual([]);
    }
    // They wait at run time instead: the ready step of the release.
    const [ready] = withRole(json, "ready");
    expect(ready.entrypoint).toEqual(["ready"]);
    expect(variables(ready)).toMatchObject({ READY_POSTGRES: "postgres:5432", READY_BUCKET: "acme-data", READY_TCP: "cache:6379" });
  });

  test("the shipped local environment needs no secret and no cache", () => {
    const json = JSON.parse(Testing.synth(new BackendStack(Testing.app(), shippedEnvironment("local"))));
    expect(json.data?.portable_deployer_secret).toBeUndefined();
    expect(json.provider.portable).toBeUndefined();
    expect(withRole(json, "cache")).toEqual([]);
  });
});

describe("Google Cloud", () => {
  const gcp = (overrides: Record<string, unknown> = {}) => synth({
    provider: "gcp", residency: "eu", location: "europe-west3", project: "acme-prod-4711",
    service: APP, workers: WORKERS, cache: { engine: "redis", availability: "REGIONAL" },
    database: { postgres: 16 }, backups: { retentionDays: 7 }, state: { backend: "local" }, ...overrides,
  });
  const json = gcp();
  const one = (type: string) => { const all = Object.values<any>(json.resource[type] ?? {}); expect(all).toHaveLength(1); return all[0]; };
  const envOf = (container: any) => Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.value_source]));

  test("the app's secrets live in Secret Manager in the region, and reach Cloud Run as references pinned to their current version", () => {
    const secrets = json.resource.google_secret_manager_secret;
    const secretKey = Object.values<any>(secrets).find((s) => s.secret_id === "acme-app-SECRET_KEY");
    expect(secretKey.replication).toEqual({ user_managed: { replicas: [{ location: "europe-west3" }] } });
    const env = envOf(one("google_cloud_run_v2_service").template.containers[0]);
    expect(env.SECRET_KEY).toEqual({ secret_key_ref: { secret: expect.stringMatching(/google_secret_manager_secret\.[\w-]+\.secret_id/), version: expect.stringMatching(/google_secret_manager_secret_version\.[\w-]+\.version/) } });
    for (const name of ["DATABASE_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "REDIS_URL", "SMTP_PASSWORD"]) expect(env[name]).toHaveProperty("secret_key_ref");
    expect(env).toMatchObject({ APP_MODE: "production", LOG_LEVEL: "info", S3_ENDPOINT: "https://storage.googleapis.com" });
    expect(env.REDIS_CA_CERT).toMatch(/google_redis_instance\.[\w-]+\.server_ca_certs\[0\]\.cert/);
    expect(env).not.toHaveProperty("PORT"); // Cloud Run sets it
    const version = Object.values<any>(json.resource.google_secret_manager_secret_version).find((v) => v.secret.includes("app-SECRET_KEY"));
    expect(version.secret_data).toMatch(/^\$\{data\.portable_deployer_secret\.[\w-]+\.value\}$/);
  });

  test("the release command is a Cloud Run job the deploy runs (a new token each release); the service and the workers wait for it", () => {
    const job = one("google_cloud_run_v2_job");
    expect(job.template.template).toMatchObject({ max_retries: 0, containers: [expect.objectContaining({ args: APP.release.command, image: APP.image })] });
    expect(job.run_execution_token).toMatch(/^\$\{substr\(sha256\(jsonencode\(/);
    expect(job.deletion_protection).toBe(false);
    const jobAddress = `google_cloud_run_v2_job.${Object.keys(json.resource.google_cloud_run_v2_job)[0]}`;
    expect(one("google_cloud_run_v2_service").depends_on).toContain(jobAddress);
    expect(one("google_cloud_run_v2_worker_pool").depends_on).toContain(jobAddress);
    expect(one("google_cloud_run_v2_service").template.containers[0].args).toEqual(APP.command);
  });

  test("workers are a worker pool: always-on instances of the same image and variables, no port", () => {
    const pool = one("google_cloud_run_v2_worker_pool");
    expect(pool).toMatchObject({ name: "acme-jobs", scaling: { scaling_mode: "MANUAL", manual_instance_count: 2 }, deletion_protection: false });
    const container = pool.template.containers[0];
    expect(container).toMatchObject({ image: APP.image, args: WORKERS.jobs.command });
    expect(container.ports).toBeUndefined();
    expect(Object.keys(envOf(container)).sort()).toEqual(Object.keys(envOf(one("google_cloud_run_v2_service").template.containers[0])).sort());
  });

  test("the cache is Memorystore in the region: AUTH, in-transit encryption, private service access only", () => {
    expect(one("google_redis_instance")).toMatchObject({
      region: "europe-west3", tier: "STANDARD_HA", auth_enabled: true, transit_encryption_mode: "SERVER_AUTHENTICATION",
      connect_mode: "PRIVATE_SERVICE_ACCESS", authorized_network: expect.stringMatching(/google_compute_network/),
    });
    const redisUrl = Object.values<any>(json.resource.google_secret_manager_secret_version).find((v) => v.secret.includes("redis-url"));
    expect(redisUrl.secret_data).toMatch(/^rediss:\/\/:\$\{google_redis_instance\.[\w-]+\.auth_string\}@\$\{google_redis_instance\.[\w-]+\.host\}:\$\{google_redis_instance\.[\w-]+\.port\}\/0$/);
  });

  test("database: false and bucket: false: no Cloud SQL, no bucket, no secrets or variables for them", () => {
    const none = gcp({ database: false, bucket: false, backups: undefined, cache: undefined, workers: {} });
    expect(none.resource.google_sql_database_instance).toBeUndefined();
    expect(none.resource.google_storage_bucket).toBeUndefined();
    const secretIds = Object.values<any>(none.resource.google_secret_manager_secret).map((s) => s.secret_id).sort();
    expect(secretIds).toEqual(["acme-app-SECRET_KEY", "acme-app-SMTP_PASSWORD"]);
  });
});

describe("Hetzner: the same Docker parts, on its servers", () => {
  const HETZNER_IMAGES = { postgres: localImages.postgres, proxy: localImages.proxy, backup: localImages.backup, cache: localImages.cache };
  const env = validateEnvironment({
    ...VALID_HETZNER, service: { ...APP, size: "cx23" }, workers: WORKERS, cache: { engine: "redis" }, images: HETZNER_IMAGES, bucket: {},
  }, "environments/acme.ts");
  const [machines, json] = environmentStacks(Testing.app(), env).map((stack) => JSON.parse(Testing.synth(stack)));
  const on = (container: any) => container.provider as string; // docker.<server>

  test("one replica per app server, each given the contract: Postgres and Redis at the data server's private address, Object Storage, the secrets", () => {
    const apps = withRole(json, "app");
    expect(apps.map(on).sort()).toEqual(["docker.app-1", "docker.app-2"]);
    const vars = variables(apps[0]);
    expect(Object.keys(vars).sort()).toEqual(["APP_MODE", "DATABASE_URL", "LOG_LEVEL", "PORT", "REDIS_URL", "S3_ACCESS_KEY_ID", "S3_BUCKET", "S3_ENDPOINT", "S3_REGION", "S3_SECRET_ACCESS_KEY", "SECRET_KEY", "SMTP_PASSWORD"]);
    expect(vars.DATABASE_URL).toMatch(/^postgres:\/\/app:\$\{random_password\.[\w-]+\.result\}@10\.0\.1\.10:5432\/app\?sslmode=disable$/);
    expect(vars.REDIS_URL).toMatch(/^redis:\/\/:\$\{random_password\.[\w-]+\.result\}@10\.0\.1\.10:6379\/0$/);
    expect(vars.S3_ENDPOINT).toMatch(/^\$\{data\.terraform_remote_state\.[\w-]+\.outputs\.object_storage_endpoint\}$/);
    expect(vars.S3_SECRET_ACCESS_KEY).toBe("${var.object_storage_secret_key}");
    expect(vars.SECRET_KEY).toMatch(/^\$\{data\.portable_deployer_secret\.[\w-]*SECRET_KEY[\w-]*\.value\}$/);
  });

  test("the release command, the workers, Postgres, Redis and the backups run on the data server; Postgres and Redis publish on its private address only", () => {
    for (const role of ["release", "worker", "postgres", "cache", "backup"]) {
      expect({ role, servers: [...new Set(withRole(json, role).map(on))] }).toEqual({ role, servers: ["docker.data"] });
    }
    for (const role of ["postgres", "cache"]) {
      expect(withRole(json, role)[0].ports).toEqual([expect.objectContaining({ ip: "10.0.1.10" })]);
    }
    // Each app server's proxy is what serves; nothing else of the app's publishes a port.
    expect(withRole(json, "proxy").map(on).sort()).toEqual(["docker.app-1", "docker.app-2"]);
    expect(withRole(json, "app").every((c) => c.ports === undefined)).toBe(true);
  });

  test("the servers' user data holds none of it: no image, command, variable or secret of the app", () => {
    for (const server of Object.values<any>(machines.resource.hcloud_server)) {
      for (const word of [APP.image, "alembic", "app.worker", "DATABASE_URL", "SECRET_KEY", "ACME_SECRET_KEY", "production"]) expect(server.user_data).not.toContain(word);
    }
  });
});

describe("bad input names the file and the field, and nothing is synthesized", () => {
  const problems = (service: Record<string, unknown>, more: Record<string, unknown> = {}) => {
    try {
      validateEnvironment({ ...VALID_HETZNER, provider: "gcp", location: "europe-west3", project: "acme-prod-4711", service: { ...VALID_HETZNER.service, ...service }, ...more }, "environments/acme.ts");
    } catch (err) {
      expect(err).toBeInstanceOf(EnvironmentError);
      return (err as Error).message;
    }
    throw new Error("expected problems");
  };

  test.each([
    [{ env: { "LOG-LEVEL": "info" } }, 'service.env.LOG-LEVEL: "info" — not allowed as a name here: an environment variable name'],
    [{ env: { DATABASE_URL: "postgres://elsewhere" } }, "service.env.DATABASE_URL: \"postgres://elsewhere\" — not allowed as a name here: DATABASE_URL is set by the backend itself"],
    [{ secrets: { REDIS_URL: { env: "X" } } }, "service.secrets.REDIS_URL: {\"env\":\"X\"} — not allowed as a name here: REDIS_URL is set by the backend itself"],
    [{ secrets: { API_KEY: { env: "api-key" } } }, 'service.secrets.API_KEY.env: "api-key" — expected an environment variable name'],
    [{ env: { API_KEY: "x" }, secrets: { API_KEY: { env: "ACME_API_KEY" } } }, "service.env.API_KEY: \"x\" — also in service.secrets"],
    [{ env: { K_SERVICE: "x" } }, "service.env.K_SERVICE: \"x\" — set by Cloud Run itself"],
    [{ release: { command: [] } }, "service.release.command: [] — expected at least 1"],
  ])("%j", (service, message) => {
    expect(problems(service)).toContain(message);
  });

  test("a worker that asks for a port, a cache other than redis", () => {
    const message = problems({}, { workers: { jobs: { command: ["worker"], port: 8080 } }, cache: { engine: "memcached" } });
    expect(message).toContain("workers.jobs.port: 8080 — a worker gets no port");
    expect(message).toContain('cache.engine: "memcached" — allowed: "redis"');
  });

  test("a Docker cache needs its image", () => {
    expect(() => docker({ images: { ...DOCKER_IMAGES, cache: undefined } })).toThrow(/images\.cache: \(missing\) — required with a cache/);
  });
});
