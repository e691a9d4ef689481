import { readFileSync } from "node:fs";
import { join } from "node:path";
import { certificateName } from "../../constructs/gcp/load-balancer";
import { LOCATION_TABLES, RESIDENCY_POLICIES, judgeLocation } from "../../lib/residency";
import { byType, offlinePlan, PlannedResource, synthApp, terraformOk } from "./helpers";

// `terraform plan` of the GCP stacks with the real google provider from the mirror, offline: a dummy
// access token; the GCS state backend is swapped for a local one in the test only (offlinePlan).
const { outdir, result } = synthApp();
const plan = (stack: string) => offlinePlan(join(outdir, "stacks", stack), { GOOGLE_OAUTH_ACCESS_TOKEN: "dummy-access-token" });

/** The API each resource type (and data source) of the stacks is made through: a new type must be added here. */
const API_OF_TYPE: Record<string, string> = {
  google_compute_network: "compute", google_compute_subnetwork: "compute", google_compute_global_address: "compute",
  google_compute_firewall: "compute", google_compute_region_network_endpoint_group: "compute", google_compute_backend_service: "compute",
  google_compute_url_map: "compute", google_compute_managed_ssl_certificate: "compute", google_compute_target_https_proxy: "compute",
  google_compute_global_forwarding_rule: "compute", google_service_networking_connection: "servicenetworking",
  google_sql_database_instance: "sqladmin", google_sql_database: "sqladmin", google_sql_user: "sqladmin",
  google_cloud_run_v2_service: "run", google_cloud_run_v2_service_iam_member: "run",
  google_secret_manager_secret: "secretmanager", google_secret_manager_secret_version: "secretmanager", google_secret_manager_secret_iam_member: "secretmanager",
  google_service_account: "iam", google_service_account_iam_member: "iam", google_iam_workload_identity_pool: "iam", google_iam_workload_identity_pool_provider: "iam",
  google_project_iam_member: "cloudresourcemanager", google_project_iam_custom_role: "iam", google_dns_managed_zone: "dns", google_dns_record_set: "dns", google_dns_keys: "dns", // a data source
  google_storage_bucket: "storage", google_storage_bucket_iam_member: "storage", google_storage_hmac_key: "storage",
  google_storage_transfer_job: "storagetransfer", google_storage_transfer_project_service_account: "storagetransfer", // a data source
  google_logging_project_bucket_config: "logging", google_logging_project_sink: "logging",
  google_artifact_registry_repository: "artifactregistry", google_artifact_registry_repository_iam_member: "artifactregistry",
};

/** What each resource waits for before Terraform creates it: everything reachable in `terraform graph`. */
function prerequisites(stackDir: string): Map<string, Set<string>> {
  const graph = terraformOk(["graph"], stackDir);
  const edges = new Map<string, string[]>();
  for (const [, from, to] of graph.stdout.matchAll(/^\s*"([^"]+)" -> "([^"]+)"/gm)) edges.set(from, [...(edges.get(from) ?? []), to]);
  const reach = (node: string, seen = new Set<string>()): Set<string> => {
    for (const next of edges.get(node) ?? []) if (!seen.has(next)) { seen.add(next); reach(next, seen); }
    return seen;
  };
  return new Map([...edges.keys()].map((node) => [node, reach(node)]));
}

beforeAll(() => expect(result.exitCode).toBe(0));

describe.each([
  ["gcp-staging", { project: "acme-staging-4711", protect: false, backups: "europe-west3", offsite: undefined }],
  ["gcp-prod", { project: "acme-prod-4711", protect: true, backups: "eu", offsite: "EU" }],
] as const)("%s plans with the real google provider", (stack, expected) => {
  let resources: PlannedResource[];
  let synthesized: any; // the stack's cdk.tf.json
  const one = (type: string) => { const all = byType(resources, type); expect(all).toHaveLength(1); return all[0].values; };
  beforeAll(() => {
    resources = plan(stack);
    synthesized = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
  });

  test("has every part of the backend", () => {
    const types = new Set(resources.map((r) => r.type));
    for (const type of ["google_compute_network", "google_compute_subnetwork", "google_service_networking_connection",
      "google_compute_firewall", "google_sql_database_instance", "google_sql_user", "google_secret_manager_secret",
      "google_cloud_run_v2_service", "google_storage_bucket", "google_dns_managed_zone", "google_dns_record_set",
      "google_compute_global_forwarding_rule", "google_compute_managed_ssl_certificate", "google_logging_project_bucket_config", "google_logging_project_sink"]) {
      expect(types).toContain(type);
    }
    // The APIs, the runtime and CI identities are the bootstrap's (below): a deploy never changes its own access.
    for (const type of ["google_project_service", "google_service_account", "google_project_iam_member", "google_iam_workload_identity_pool"]) expect(types).not.toContain(type);
  });

  test("Cloud SQL: no public IP, TLS required, backups with point-in-time recovery in the EU (off-site in gcp-prod)", () => {
    const sql = one("google_sql_database_instance");
    const settings = sql.settings[0];
    expect(settings.ip_configuration[0]).toMatchObject({ ipv4_enabled: false, ssl_mode: "ENCRYPTED_ONLY" });
    expect(settings.ip_configuration[0].authorized_networks ?? []).toEqual([]);
    expect(settings.backup_configuration[0]).toMatchObject({ enabled: true, point_in_time_recovery_enabled: true, location: expected.backups });
    expect(settings.maintenance_window[0]).toMatchObject({ day: 7, hour: 3 });
    expect({ terraform: sql.deletion_protection, api: settings.deletion_protection_enabled }).toEqual({ terraform: expected.protect, api: expected.protect });
  });

  test("the bucket: uniform access, public access prevention, versioning, lifecycle", () => {
    const buckets = byType(resources, "google_storage_bucket").filter((b) => !b.values.name.endsWith("-access-logs"));
    expect(buckets).toHaveLength(expected.offsite ? 2 : 1);
    for (const { values: bucket } of buckets) {
      expect(bucket).toMatchObject({ uniform_bucket_level_access: true, public_access_prevention: "enforced", versioning: [{ enabled: true }] });
      expect(bucket.lifecycle_rule[0]).toMatchObject({ action: [{ type: "Delete" }], condition: [expect.objectContaining({ with_state: "ARCHIVED" })] });
    }
  });

  test("the data bucket's objects copied off-site (gcp-prod): a bucket in EU, a daily transfer job that deletes what is gone, the agent's grants", () => {
    const jobs = byType(resources, "google_storage_transfer_job");
    if (!expected.offsite) {
      expect(jobs).toEqual([]);
      return;
    }
    const source = `acme-prod-4711-${stack}-data`;
    const copy = byType(resources, "google_storage_bucket").find((b) => b.values.name === `${source}-offsite`)!.values;
    expect(copy).toMatchObject({ location: expected.offsite, force_destroy: false, labels: { environment: stack } });
    expect(copy.lifecycle_rule[0].condition[0]).toMatchObject({ days_since_noncurrent_time: 30 });
    const job = one("google_storage_transfer_job");
    expect(job.transfer_spec[0]).toMatchObject({
      gcs_data_source: [{ bucket_name: source }],
      gcs_data_sink: [{ bucket_name: `${source}-offsite` }],
      transfer_options: [expect.objectContaining({ delete_objects_unique_in_sink: true })],
    });
    expect(job.transfer_spec[0].transfer_options[0].delete_objects_from_source_after_transfer ?? false).toBe(false);
    expect(job.schedule[0]).toMatchObject({ repeat_interval: "86400s", schedule_start_date: [{ year: 2025, month: 1, day: 5 }] });
    // The agent's email is read from the API at apply (offline here), so its grants are read in the configuration.
    const agent = Object.keys(synthesized.data.google_storage_transfer_project_service_account);
    expect(agent).toHaveLength(1);
    const grants = Object.values<any>(synthesized.resource.google_storage_bucket_iam_member)
      .filter((m) => m.member === `\${data.google_storage_transfer_project_service_account.${agent[0]}.member}`);
    expect(grants.map((m) => m.role).sort()).toEqual(["roles/storage.legacyBucketReader", "roles/storage.legacyBucketWriter", "roles/storage.objectViewer"]);
    const planned = byType(resources, "google_storage_bucket_iam_member").map((m) => `${m.values.bucket} ${m.values.role}`);
    expect(planned).toEqual(expect.arrayContaining([`${source} roles/storage.objectViewer`, `${source} roles/storage.legacyBucketReader`, `${source}-offsite roles/storage.legacyBucketWriter`]));
  });

  test("Cloud Run: own service account, probes on the health path, private egress, secrets from Secret Manager", () => {
    const run = one("google_cloud_run_v2_service");
    const template = run.template[0];
    const container = template.containers[0];
    expect(container.startup_probe[0].http_get[0].path).toBe("/healthz");
    expect(container.liveness_probe[0].http_get[0].path).toBe("/healthz");
    expect(template.vpc_access[0]).toMatchObject({ egress: "PRIVATE_RANGES_ONLY" });
    const secretEnv = container.env.filter((e: any) => e.value_source?.length).map((e: any) => e.name).sort();
    expect(secretEnv).toEqual(["DATABASE_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]);
    expect(container.env.every((e: any) => !/password|secret/i.test(e.value ?? ""))).toBe(true);
    expect(run.ingress).toBe("INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER");
    // Reached through the load balancer only: the run.app URL is switched off (an attribute the provider built here knows).
    expect(run.default_uri_disabled).toBe(true);
    expect(run.deletion_protection).toBe(false); // holds no data; a failed first create must stay replaceable
    // Public by switching off the invoker check (the prebuilt bindings' attribute, accepted by the provider built here), no allUsers binding.
    expect(run.invoker_iam_disabled).toBe(true);
    expect(byType(resources, "google_cloud_run_v2_service_iam_member")).toEqual([]);
    expect(JSON.stringify(resources)).not.toContain("allUsers");
    // Least privilege: the runtime account holds no project-wide role, only grants on its own secrets and bucket.
    expect(byType(resources, "google_project_iam_member").filter((m) => m.values.member.includes(`:${stack}-run@`))).toEqual([]);
    expect(byType(resources, "google_secret_manager_secret_iam_member").every((m) => m.values.role === "roles/secretmanager.secretAccessor")).toBe(true);
  });

  test("the database password is kept nowhere Terraform writes: an ephemeral password, sent write-only to the user and the secrets holding it", () => {
    expect(synthesized.ephemeral.random_password).toEqual({ [`${stack.replace("-", "_")}_database_password_1`]: { length: 32, special: false } });
    expect(byType(resources, "random_password")).toEqual([]);
    const user = one("google_sql_user");
    expect(user).toMatchObject({ password_wo_version: 1 });
    expect(user.password ?? null).toBeNull();
    expect(user.password_wo ?? null).toBeNull(); // write-only: never in a plan (nor in the state)
    const holders = byType(resources, "google_secret_manager_secret_version").filter((v) => /database-(url|password)/.test(v.address));
    expect(holders).toHaveLength(2);
    for (const { values } of holders) expect({ data: values.secret_data ?? null, wo: values.secret_data_wo ?? null }).toEqual({ data: null, wo: null });
  });

  test("private service access: retried by updating the ranges after a failed create; destroy removes the peering when Cloud SQL still holds the connection", () => {
    expect(one("google_service_networking_connection")).toMatchObject({ update_on_creation_fail: true, deletion_policy: "REMOVE_PEERING" });
  });

  test("the firewall allows nothing in", () => {
    const rules = byType(resources, "google_compute_firewall").map((r) => r.values);
    expect(rules.filter((r) => r.direction === "INGRESS" && (r.allow ?? []).length > 0)).toEqual([]);
    expect(rules).toEqual([expect.objectContaining({ direction: "INGRESS", deny: [expect.objectContaining({ protocol: "all" })] })]);
  });

  test("secrets are replicated only in the EU region", () => {
    for (const secret of byType(resources, "google_secret_manager_secret")) {
      expect(secret.values.replication[0].auto ?? []).toEqual([]);
      expect(secret.values.replication[0].user_managed[0].replicas.map((r: any) => r.location)).toEqual(["europe-west3"]);
    }
  });

  test("the project's logs stay in the EU: a log bucket in the region, the _Default sink routed to it", () => {
    const bucket = one("google_logging_project_bucket_config");
    // Its id ends in the environment's name suffix (known after apply): Google keeps a deleted bucket's id for 7 days.
    expect(bucket).toMatchObject({ project: expected.project, location: "europe-west3", retention_days: 30 });
    expect(Object.values<any>(synthesized.resource.google_logging_project_bucket_config)[0].bucket_id).toMatch(new RegExp(`^${stack}-logs-\\$\\{random_id\\..*\\.hex\\}$`));
    expect(bucket.deletion_policy ?? "DELETE").toBe(expected.protect ? "PREVENT" : "DELETE"); // unset: the provider's DELETE
    const sink = one("google_logging_project_sink");
    expect(sink).toMatchObject({ name: "_Default", unique_writer_identity: true });
    expect(Object.values<any>(synthesized.resource.google_logging_project_sink)[0].destination)
      .toMatch(new RegExp(`^logging\\.googleapis\\.com/projects/${expected.project}/locations/\\$\\{google_logging_project_bucket_config\\..*\\.location\\}/buckets/`));
    expect(sink.filter).toMatch(/^NOT LOG_ID\("cloudaudit\.googleapis\.com\/activity"\) AND /);
    expect(judgeLocation(RESIDENCY_POLICIES.eu, LOCATION_TABLES.gcp, bucket.location).allowed).toBe(true);
  });

  test("the data bucket's access logs go to a private bucket in the region, deleted after the log retention", () => {
    const logs = byType(resources, "google_storage_bucket").find((b) => b.values.name === `${expected.project}-${stack}-access-logs`)!.values;
    expect(logs).toMatchObject({
      location: "EUROPE-WEST3", uniform_bucket_level_access: true, public_access_prevention: "enforced", force_destroy: !expected.protect,
      lifecycle_rule: [expect.objectContaining({ action: [expect.objectContaining({ type: "Delete" })], condition: [expect.objectContaining({ age: 30 })] })],
    });
    const data = byType(resources, "google_storage_bucket").find((b) => b.values.name === `${expected.project}-${stack}-data`)!.values;
    expect(data.logging).toEqual([expect.objectContaining({ log_bucket: `${expected.project}-${stack}-access-logs` })]);
    const writers = byType(resources, "google_storage_bucket_iam_member").filter((m) => m.values.bucket === `${expected.project}-${stack}-access-logs`);
    expect(writers.map((m) => `${m.values.role} ${m.values.member}`)).toEqual(["roles/storage.objectCreator group:cloud-storage-analytics@google.com"]);
  });

  test("Postgres logs connections, lock waits and checkpoints, never statements; the subnet's flows are logged (sampled)", () => {
    const flags = one("google_sql_database_instance").settings[0].database_flags.map((f: any) => `${f.name}=${f.value}`).sort();
    expect(flags).toEqual([
      "log_checkpoints=on", "log_connections=on", "log_disconnections=on", "log_lock_waits=on", "log_min_error_statement=panic", "log_min_messages=warning",
    ]);
    expect(flags.filter((f: string) => /^log_(statement|min_duration_statement|duration)=/.test(f))).toEqual([]);
    expect(one("google_compute_subnetwork").log_config).toEqual([expect.objectContaining({ aggregation_interval: "INTERVAL_10_MIN", flow_sampling: 0.5, metadata: "INCLUDE_ALL_METADATA" })]);
  });

  test("first deploy order (terraform graph): Cloud Run after its secrets' versions and access grants, and after the database", () => {
    const waitsFor = prerequisites(join(outdir, "stacks", stack));
    const run = byType(resources, "google_cloud_run_v2_service")[0].address;
    const secretAccess = [...byType(resources, "google_secret_manager_secret_iam_member"), ...byType(resources, "google_secret_manager_secret_version")]
      .map((r) => r.address).filter((a) => !a.includes("database-password") && !a.includes(".ci_")); // the operators' copy and CI's grants: not the service's
    expect(secretAccess).toHaveLength(6);
    expect([...waitsFor.get(run)!]).toEqual(expect.arrayContaining([...secretAccess, byType(resources, "google_sql_database_instance")[0].address]));
  });

  test("the managed certificate's name follows its domains (a domain change creates a new one before the old is deleted); the zone is signed", () => {
    const certificate = one("google_compute_managed_ssl_certificate");
    const domain = stack === "gcp-prod" ? "api.acme.eu" : "api.staging.acme.eu";
    expect(certificate.managed).toEqual([{ domains: [domain] }]);
    expect(certificate.name).toBe(certificateName(stack, [domain]));
    expect(certificate.name).toMatch(new RegExp(`^${stack}-[0-9a-f]{8}$`));
    expect(Object.values<any>(synthesized.resource.google_compute_managed_ssl_certificate)[0].lifecycle).toEqual({ create_before_destroy: true });
    expect(one("google_dns_managed_zone").dnssec_config).toEqual([expect.objectContaining({ state: "on" })]);
    expect(Object.keys(synthesized.output)).toEqual(expect.arrayContaining(["dns_name_servers", "dns_ds_record", "https_status"]));
  });

  test("every location and region is in the EU", () => {
    const places: string[] = [];
    const walk = (v: unknown, key = ""): void => {
      if (Array.isArray(v)) v.forEach((x) => walk(x, key));
      else if (v && typeof v === "object") Object.entries(v).forEach(([k, x]) => walk(x, k));
      else if (typeof v === "string" && ["location", "region"].includes(key)) places.push(v);
    };
    resources.forEach((r) => walk(r.values));
    expect(places.length).toBeGreaterThan(5);
    for (const place of places) expect({ place, allowed: judgeLocation(RESIDENCY_POLICIES.eu, LOCATION_TABLES.gcp, place).allowed }).toEqual({ place, allowed: true });
  });
});

describe.each([
  ["gcp-staging", { project: "acme-staging-4711", offsite: undefined }],
  ["gcp-prod", { project: "acme-prod-4711", offsite: "EU" }],
] as const)("%s's bootstrap plans with the real google provider", (env, expected) => {
  const stack = `${env}-bootstrap`;
  let resources: PlannedResource[];
  let synthesized: any;
  const one = (type: string) => { const all = byType(resources, type); expect(all).toHaveLength(1); return all[0].values; };
  beforeAll(() => {
    resources = plan(stack);
    synthesized = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
  });

  test("the APIs, the state bucket (versioned, private, never destroyed by Terraform), the image repository in the region (immutable tags), the runtime identity", () => {
    expect(byType(resources, "google_project_service").map((s) => s.values.service)).toEqual(expect.arrayContaining(["run.googleapis.com", "artifactregistry.googleapis.com", "sts.googleapis.com"]));
    expect(one("google_storage_bucket")).toMatchObject({
      name: `${expected.project.replace(/-4711$/, "")}-tfstate`, location: "EUROPE-WEST3", uniform_bucket_level_access: true, public_access_prevention: "enforced",
      versioning: [{ enabled: true }], force_destroy: false,
    });
    expect(Object.values<any>(synthesized.resource.google_storage_bucket)[0].lifecycle).toEqual({ prevent_destroy: true });
    expect(one("google_artifact_registry_repository")).toMatchObject({ repository_id: "apps", location: "europe-west3", format: "DOCKER", docker_config: [{ immutable_tags: true }] });
    expect(byType(resources, "google_service_account").map((a) => a.values.account_id).sort()).toEqual([`${env}-ci-deploy`, `${env}-ci-plan`, `${env}-run`]);
    expect(judgeLocation(RESIDENCY_POLICIES.eu, LOCATION_TABLES.gcp, one("google_artifact_registry_repository").location).allowed).toBe(true);
  });

  test("first apply order (terraform graph): every resource after its API, every API after Cloud Resource Manager", () => {
    const waitsFor = prerequisites(join(outdir, "stacks", stack));
    const api = new Map(byType(resources, "google_project_service").map((s) => [s.address, s.values.service as string]));
    const google = resources.filter((r) => r.type.startsWith("google_") && r.type !== "google_project_service");
    expect(google.length).toBeGreaterThan(15);
    for (const r of google) {
      const enabled = [...(waitsFor.get(r.address) ?? [])].map((p) => api.get(p)).filter(Boolean);
      expect({ resource: r.address, waitsFor: enabled }).toEqual({ resource: r.address, waitsFor: expect.arrayContaining([`${API_OF_TYPE[r.type]}.googleapis.com`]) });
    }
    const crm = [...api].find(([, service]) => service === "cloudresourcemanager.googleapis.com")![0];
    for (const other of [...api.keys()].filter((a) => a !== crm)) expect({ api: other, waitsForCrm: waitsFor.get(other)?.has(crm) }).toEqual({ api: other, waitsForCrm: true });
  });

  const stackName = env;
  test("keyless CI: GitHub's OIDC issuer, only this repository by its ids; plan identity read-only from <stack>-plan, deploy only from the stack's GitHub environment", () => {
    const provider = one("google_iam_workload_identity_pool_provider");
    expect(provider).toEqual(expect.objectContaining({
      oidc: [expect.objectContaining({ issuer_uri: "https://token.actions.githubusercontent.com" })],
      attribute_condition: 'assertion.repository_id == "812345670" && assertion.repository_owner_id == "98765432" && ('
        + `assertion.environment == "${stackName}-plan"`
        + ` || (assertion.environment == "${stackName}-drift" && (assertion.workflow_ref == "acme/backend/.github/workflows/drift.yml@refs/heads/main"`
        + ` || assertion.workflow_ref == "acme/backend/.github/workflows/deploy.yml@refs/heads/main"))`
        + ` || (assertion.environment == "${stackName}" && assertion.workflow_ref == "acme/backend/.github/workflows/deploy.yml@refs/heads/main"))`,
    }));
    const accounts = byType(resources, "google_service_account").map((a) => a.values.account_id);
    expect(accounts).toEqual(expect.arrayContaining([`${stackName}-ci-plan`, `${stackName}-ci-deploy`]));
    const roles = (account: string) => byType(resources, "google_project_iam_member").filter((m) => m.address.includes(`ci_${account}-`)).map((m) => m.values.role);
    // Specific read roles, not roles/viewer (with the off-site copy, plans read its transfer job too), and a
    // custom role for the reads whose predefined roles would also export the database or read the logs.
    const customRole = `projects/${expected.project}/roles/${stackName.replace("-", "_")}_ci_plan`;
    expect(roles("plan").sort()).toEqual([
      customRole, "roles/compute.viewer", "roles/dns.reader", "roles/iam.securityReviewer", "roles/run.viewer", "roles/secretmanager.viewer",
      "roles/servicenetworking.viewer", "roles/storage.bucketViewer", ...(expected.offsite ? ["roles/storagetransfer.viewer"] : []),
    ]);
    expect(one("google_project_iam_custom_role")).toMatchObject({
      role_id: `${stackName.replace("-", "_")}_ci_plan`,
      permissions: expect.arrayContaining(["cloudsql.instances.get", "cloudsql.databases.get", "cloudsql.users.list", "logging.buckets.get", "logging.sinks.get"]),
    });
    expect(one("google_project_iam_custom_role").permissions).toHaveLength(7); // + storage.hmacKeys.get/list: the key's metadata
    expect(roles("deploy")).toContain("roles/storage.hmacKeyAdmin"); // the HMAC key: storage.admin grants no storage.hmacKeys.*
    // Secret values: none. A version's refresh reads only its metadata when access is refused (versions never change).
    const planMember = new RegExp(`:${stackName}-ci-plan@`);
    expect(byType(resources, "google_secret_manager_secret_iam_member").filter((m) => planMember.test(m.values.member ?? ""))).toEqual([]);
    expect(Object.keys((synthesized.resource.google_secret_manager_secret_iam_member ?? {})).filter((id) => id.startsWith("ci_"))).toEqual([]);
    for (const role of ["roles/owner", "roles/editor", "roles/resourcemanager.projectIamAdmin", "roles/iam.serviceAccountAdmin", "roles/serviceusage.serviceUsageAdmin"]) {
      expect(roles("deploy")).not.toContain(role);
    }
    // Who may impersonate which: principals are known only after apply (they name the pool), so read the configuration.
    const members = Object.values(synthesized.resource.google_service_account_iam_member as Record<string, { role: string; member: string }>);
    expect(members.filter((m) => m.role === "roles/iam.workloadIdentityUser").map(({ role, member }) => ({ role, member })).sort((a, b) => a.member.localeCompare(b.member))).toEqual([
      { role: "roles/iam.workloadIdentityUser", member: expect.stringMatching(new RegExp(`^principalSet://iam\\.googleapis\\.com/\\$\\{.*\\}/attribute\\.environment/${stackName}$`)) },
      { role: "roles/iam.workloadIdentityUser", member: expect.stringMatching(new RegExp(`^principalSet://iam\\.googleapis\\.com/\\$\\{.*\\}/attribute\\.environment/${stackName}-drift$`)) },
      { role: "roles/iam.workloadIdentityUser", member: expect.stringMatching(new RegExp(`^principalSet://iam\\.googleapis\\.com/\\$\\{.*\\}/attribute\\.environment/${stackName}-plan$`)) },
    ]);
    // Plans read the state and never lock it (-lock=false): the plan identity cannot change or delete it.
    const stateRoles = byType(resources, "google_storage_bucket_iam_member").flatMap((m) => {
      const account = /\.ci_(plan|deploy)-state_/.exec(m.address)?.[1];
      return account ? [[account, m.values.role]] : [];
    });
    expect(Object.fromEntries(stateRoles)).toEqual({ plan: "roles/storage.objectViewer", deploy: "roles/storage.objectAdmin" });
  });

});
