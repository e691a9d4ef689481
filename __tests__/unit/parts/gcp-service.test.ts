import { CloudRunV2Job } from "@cdktf/provider-google/lib/cloud-run-v2-job";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { CloudRunV2WorkerPool } from "@cdktf/provider-google/lib/cloud-run-v2-worker-pool";
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { GcpService, GcpServiceProps } from "../../../constructs/gcp/service";
import { RUNTIME_ACCOUNT, testNetwork } from "../../support/gcp-parts";
import { bareStack, onlyResource, referenceTo, resourcesOf, synthesize } from "../../support/synthesized";

// GcpService alone: the app on Cloud Run with its variables (secret ones from Secret Manager), its
// release job and workers, reached at its run.app URL or, with a domain, through a load balancer only.
const IMAGE = "europe-west3-docker.pkg.dev/acme-test-4711/apps/api:1.4.2";
const variables = { plain: { S3_BUCKET: "acme-shop-data", LOG_LEVEL: "info" }, secret: { DATABASE_URL: "postgres://app:pw@10.0.0.3:5432/app", API_KEY: "k" }, port: 8080 };
const RUNTIME = RUNTIME_ACCOUNT.email;

function build(props: Partial<Omit<GcpServiceProps, "network">> = {}) {
  const stack = bareStack();
  const network = testNetwork(stack);
  const service = new GcpService(stack, "service", { name: "shop", project: "acme-test-4711", location: "europe-west3", network, image: IMAGE, variables, ...props });
  return { service, ...synthesize(stack, { url: service.url, publicIpv4: service.publicIpv4 }) };
}
const run = (json: string) => onlyResource(json, "google_cloud_run_v2_service")[1];
const container = (json: string) => run(json).template.containers[0];
const ids = (json: string, type: string) => resourcesOf(json, type).map(([id]) => `${type}.${id}`);

describe("left to its defaults", () => {
  const { service, json, values } = build();

  test("one warm instance of 1 CPU and 512 MiB, up to 10, as the runtime account, privately into the VPC", () => {
    expect(json).toHaveResourceWithProperties(CloudRunV2Service, { name: "shop", location: "europe-west3", deletion_protection: false });
    expect(run(json).template).toMatchObject({
      service_account: RUNTIME, scaling: { min_instance_count: 1, max_instance_count: 10 },
      vpc_access: { egress: "PRIVATE_RANGES_ONLY", network_interfaces: [{ network: referenceTo(json, "google_compute_network", "id"), subnetwork: referenceTo(json, "google_compute_subnetwork", "id") }] },
    });
    expect(container(json)).toMatchObject({ image: IMAGE, resources: { limits: { cpu: "1", memory: "512Mi" } }, ports: { container_port: 8080 } });
    expect(container(json).args).toBeUndefined(); // the image's own command
  });

  test("startup and liveness probes on /healthz at the app's port; 120 s to start", () => {
    const probe = { http_get: { path: "/healthz", port: 8080 }, period_seconds: 10, timeout_seconds: 3 };
    expect(container(json).liveness_probe).toEqual({ ...probe, failure_threshold: 3 });
    expect(container(json).startup_probe).toEqual({ ...probe, failure_threshold: 12 });
  });

  test("public at its run.app URL: open to all with Cloud Run's invoker check off, not by an allUsers binding", () => {
    expect(run(json)).toMatchObject({ ingress: "INGRESS_TRAFFIC_ALL", invoker_iam_disabled: true });
    expect(run(json).default_uri_disabled).toBeUndefined();
    expect(json).not.toMatch(/allUsers/);
    expect(values.url).toBe(referenceTo(json, "google_cloud_run_v2_service", "uri"));
    expect(service.publicIpv4).toEqual([]);
    expect(resourcesOf(json, "google_compute_global_forwarding_rule")).toEqual([]);
  });

  test("plain variables as values, secret ones by reference to the version holding them, sorted by name", () => {
    const env = container(json).env;
    const [[secretId]] = resourcesOf(json, "google_secret_manager_secret").filter(([, s]) => s.secret_id === "shop-database-url");
    expect(env.map((e: { name: string }) => e.name)).toEqual(["API_KEY", "DATABASE_URL", "LOG_LEVEL", "S3_BUCKET"]);
    expect(env.find((e: { name: string }) => e.name === "LOG_LEVEL")).toEqual({ name: "LOG_LEVEL", value: "info" });
    const [[versionId]] = resourcesOf(json, "google_secret_manager_secret_version").filter(([, v]) => v.secret === `\${google_secret_manager_secret.${secretId}.id}`);
    expect(env.find((e: { name: string }) => e.name === "DATABASE_URL")).toEqual({ name: "DATABASE_URL", value_source: { secret_key_ref: {
      secret: `\${google_secret_manager_secret.${secretId}.secret_id}`, version: `\${google_secret_manager_secret_version.${versionId}.version}`,
    } } });
    expect(JSON.stringify(container(json))).not.toContain("postgres://");
  });

  test("each secret in the region, readable by the runtime account only; the service waits for the values and the grants", () => {
    expect(json).toHaveResourceWithProperties(SecretManagerSecret, { secret_id: "shop-database-url", replication: { user_managed: { replicas: [{ location: "europe-west3" }] } } });
    expect(json).toHaveResourceWithProperties(SecretManagerSecret, { secret_id: "shop-app-API_KEY" });
    const grants = resourcesOf(json, "google_secret_manager_secret_iam_member").map(([, m]) => m);
    expect(grants).toHaveLength(2);
    expect(json).toHaveResourceWithProperties(SecretManagerSecretIamMember, { role: "roles/secretmanager.secretAccessor", member: RUNTIME_ACCOUNT.member });
    expect(run(json).depends_on.sort()).toEqual([...ids(json, "google_secret_manager_secret_version"), ...ids(json, "google_secret_manager_secret_iam_member")].sort());
  });

  test("no release job, no workers, no labels", () => {
    expect(resourcesOf(json, "google_cloud_run_v2_job")).toEqual([]);
    expect(resourcesOf(json, "google_cloud_run_v2_worker_pool")).toEqual([]);
    expect(run(json).labels).toBeUndefined();
  });
});

test("with a domain: reached only through the load balancer, its run.app URL off, at https://<domain>", () => {
  const { service, json, values } = build({ domain: "api.acme.eu" });
  expect(run(json)).toMatchObject({ ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER", invoker_iam_disabled: true, default_uri_disabled: true });
  expect(service.url).toBe("https://api.acme.eu");
  const [lbAddress] = resourcesOf(json, "google_compute_global_address").filter(([, a]) => a.name === "shop").map(([id]) => `\${google_compute_global_address.${id}.address}`);
  expect(values.publicIpv4).toEqual([lbAddress]);
  expect(values.url).toBe("https://api.acme.eu");
});

test("internal ingress: internal traffic only, the invoker check on, no load balancer even with a domain", () => {
  const { json, service } = build({ ingress: "internal", domain: "api.acme.eu" });
  expect(run(json)).toMatchObject({ ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", invoker_iam_disabled: false });
  expect(run(json).default_uri_disabled).toBeUndefined();
  expect(resourcesOf(json, "google_compute_global_forwarding_rule")).toEqual([]);
  expect(service.publicIpv4).toEqual([]);
});

test("its size, scaling (never fewer than replicas), command, health path and start timeout", () => {
  const { json } = build({ cpu: "2", memory: "1Gi", replicas: 3, maxInstances: 2, command: ["serve", "--fast"], healthPath: "/up", startTimeoutSeconds: 95 });
  expect(run(json).template.scaling).toEqual({ min_instance_count: 3, max_instance_count: 3 });
  expect(container(json)).toMatchObject({ args: ["serve", "--fast"], resources: { limits: { cpu: "2", memory: "1Gi" } } });
  expect(container(json).startup_probe).toMatchObject({ http_get: { path: "/up" }, failure_threshold: 10 });
});

describe("a release command and workers", () => {
  const props = { releaseCommand: { command: ["migrate"] }, workers: { mailer: { command: ["mail"], replicas: 2 }, jobs: { command: ["jobs"] } }, cpu: "2", labels: { environment: "shop" } };
  const { json } = build(props);
  const [jobId, job] = onlyResource(json, "google_cloud_run_v2_job");
  const token = (json: string) => onlyResource(json, "google_cloud_run_v2_job")[1].run_execution_token;

  test("the release is a job run once by the deploy, not retried, with the app's image, variables and size", () => {
    expect(json).toHaveResourceWithProperties(CloudRunV2Job, { name: "shop-release", location: "europe-west3", deletion_protection: false, labels: { environment: "shop" } });
    expect(job.template.template).toMatchObject({ service_account: RUNTIME, max_retries: 0, timeout: "1800s", containers: [{ image: IMAGE, args: ["migrate"], env: container(json).env, resources: { limits: { cpu: "2" } } }] });
  });

  test("a new version takes traffic only after the release: the service and the workers wait for the job", () => {
    expect(run(json).depends_on).toContain(`google_cloud_run_v2_job.${jobId}`);
    for (const [, pool] of resourcesOf(json, "google_cloud_run_v2_worker_pool")) expect(pool.depends_on).toContain(`google_cloud_run_v2_job.${jobId}`);
  });

  test("the job runs again when the image, a command or the workers change, and not otherwise", () => {
    expect(token(json)).toMatch(/^\$\{substr\(sha256\(jsonencode\(/);
    expect(token(build(props).json)).toBe(token(json));
    expect(token(build({ ...props, image: IMAGE.replace("1.4.2", "1.4.3") }).json)).not.toBe(token(json));
    expect(token(build({ ...props, command: ["serve"] }).json)).not.toBe(token(json));
    expect(token(build({ ...props, releaseCommand: { command: ["migrate", "--all"] } }).json)).not.toBe(token(json));
    expect(token(build({ ...props, workers: { mailer: { command: ["mail"], replicas: 3 } } }).json)).not.toBe(token(json));
  });

  test("each worker is a pool of always-on instances (1 by default) with the service's image, variables and way in", () => {
    expect(json).toHaveResourceWithProperties(CloudRunV2WorkerPool, { name: "shop-mailer", scaling: { scaling_mode: "MANUAL", manual_instance_count: 2 }, labels: { environment: "shop" } });
    expect(json).toHaveResourceWithProperties(CloudRunV2WorkerPool, { name: "shop-jobs", scaling: { scaling_mode: "MANUAL", manual_instance_count: 1 } });
    const [, pool] = resourcesOf(json, "google_cloud_run_v2_worker_pool").find(([, p]) => p.name === "shop-mailer")!;
    expect(pool.template).toMatchObject({ service_account: RUNTIME, vpc_access: run(json).template.vpc_access, containers: [{ image: IMAGE, args: ["mail"], env: container(json).env }] });
    expect(pool.template.containers[0].ports).toBeUndefined();
  });

  test("labels reach the service, the job, the pools and the secrets", () => {
    expect(run(json).labels).toEqual({ environment: "shop" });
    for (const [, secret] of resourcesOf(json, "google_secret_manager_secret")) expect(secret.labels).toEqual({ environment: "shop" });
  });
});
