import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { environmentsDir } from "../../bench/lib/environments";
import { byType, offlinePlan, PlannedResource, synthApp, terraformOk } from "./helpers";

// The app's contract on Google Cloud, planned with the real google provider offline: copies of the shipped
// GCP environments with a secret, a release command, a worker and a cache (state local, a dummy token).
jest.setTimeout(300_000);

// A value only this run knows, to look for where it must not be.
const SECRET = `plan-time-${randomBytes(12).toString("hex")}`;
const APP = `service: { ...base.service, port: 8000, command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"],
  env: { APP_MODE: "production" }, secrets: { SECRET_KEY: { env: "ACME_SECRET_KEY" } }, release: { command: ["alembic", "upgrade", "head"] } },
  workers: { jobs: { command: ["python3", "-m", "app.worker"], replicas: 2 } }`;
const envDir = environmentsDir(["gcp-staging", "gcp-prod"].map((base) => ({
  name: `${base}-app`, base,
  overrides: `${APP}, cache: { engine: "redis"${base === "gcp-prod" ? ', availability: "REGIONAL"' : ""} }, state: { backend: "local" },
    dns: { ...base.dns, record: "app", createZone: ${base === "gcp-prod"} }`,
})), "gcp-app-envs-");
const { outdir, result } = synthApp({ ENVIRONMENTS_DIR: envDir });

beforeAll(() => expect(result.exitCode).toBe(0));

describe.each(["gcp-staging-app", "gcp-prod-app"])("%s", (stack) => {
  const stackDir = join(outdir, "stacks", stack);
  let resources: PlannedResource[];
  const one = (type: string) => { const all = byType(resources, type); expect(all).toHaveLength(1); return all[0]; };
  beforeAll(() => {
    resources = offlinePlan(stackDir, { GOOGLE_OAUTH_ACCESS_TOKEN: "dummy-access-token", ACME_SECRET_KEY: SECRET });
  });

  test("the secret is in Secret Manager in the region, and the value read at plan time is not in the configuration", () => {
    const secret = byType(resources, "google_secret_manager_secret").find((s) => s.values.secret_id === `${stack}-app-SECRET_KEY`);
    expect(secret?.values.replication[0].user_managed[0].replicas.map((r: any) => r.location)).toEqual(["europe-west3"]);
    expect(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")).not.toContain(SECRET);
  });

  test("the release job, the service and the worker pool carry the app's image, commands and variables", () => {
    const job = one("google_cloud_run_v2_job").values;
    expect(job.template[0].template[0].containers[0].args).toEqual(["alembic", "upgrade", "head"]);
    const pool = one("google_cloud_run_v2_worker_pool").values;
    expect(pool.scaling[0]).toMatchObject({ scaling_mode: "MANUAL", manual_instance_count: 2 });
    expect(pool.template[0].containers[0].args).toEqual(["python3", "-m", "app.worker"]);
    const service = one("google_cloud_run_v2_service").values.template[0].containers[0];
    expect(service.args).toEqual(["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]);
    const names = (container: any) => container.env.map((e: any) => e.name).sort();
    const expected = ["APP_MODE", "DATABASE_URL", "REDIS_CA_CERT", "REDIS_URL", "S3_ACCESS_KEY_ID", "S3_BUCKET", "S3_ENDPOINT", "S3_REGION", "S3_SECRET_ACCESS_KEY", "SECRET_KEY"];
    for (const container of [service, pool.template[0].containers[0], job.template[0].template[0].containers[0]]) expect(names(container)).toEqual(expected);
  });

  test("the service and the workers wait for the release job (terraform graph); the job runs on every release", () => {
    const graph = terraformOk(["graph"], stackDir).stdout;
    const job = one("google_cloud_run_v2_job").address;
    for (const waiting of [one("google_cloud_run_v2_service").address, one("google_cloud_run_v2_worker_pool").address]) {
      expect(graph).toMatch(new RegExp(`"${waiting.replace(/\./g, "\\.")}" -> "${job.replace(/\./g, "\\.")}"`));
    }
    const config = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
    expect(Object.values<any>(config.resource.google_cloud_run_v2_job)[0].run_execution_token).toMatch(/^\$\{substr\(sha256\(/);
  });

  test("the cache: Memorystore in the region with AUTH, in-transit encryption and private service access", () => {
    expect(one("google_redis_instance").values).toMatchObject({
      region: "europe-west3", auth_enabled: true, transit_encryption_mode: "SERVER_AUTHENTICATION", connect_mode: "PRIVATE_SERVICE_ACCESS",
      tier: stack === "gcp-prod-app" ? "STANDARD_HA" : "BASIC", deletion_protection: stack === "gcp-prod-app",
    });
  });
});
