import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { CloudRunV2ServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-member";
import { ProjectIamCustomRole } from "@cdktf/provider-google/lib/project-iam-custom-role";
import { ServiceNetworkingConnection } from "@cdktf/provider-google/lib/service-networking-connection";
import { StorageHmacKey } from "@cdktf/provider-google/lib/storage-hmac-key";
import { BackendStack } from "../../constructs/backend-stack";
import { GcpBootstrapStack } from "../../constructs/gcp/bootstrap-stack";
import { hasEphemeralValue, writeOnlyVersion } from "../../constructs/gcp/ephemeral";
import { GcpEnvironment } from "../../lib/environment";
import { shippedEnvironment } from "../support/shipped-environments";
import { onlyResource, resourcesOf } from "../support/synthesized";

// What a first real apply into a fresh project (and a later destroy) needs, at synth (issue 22, items 1, 3-5);
// the plan test checks the same against the real provider.
const prod = shippedEnvironment("gcp-prod") as GcpEnvironment;
const synth = (env: GcpEnvironment) => Testing.synth(new BackendStack(Testing.app(), env));
/** The bootstrap (APIs, CI identities): applied by a person before the backend's stack. */
const synthBootstrap = (env: GcpEnvironment) => Testing.synth(new GcpBootstrapStack(Testing.app(), env));
const withIngress = (ingress: "all" | "internal", dns = prod.dns) => ({ ...prod, dns, service: { ...prod.service, ingress } }) as GcpEnvironment;

describe("Cloud Run is public by switching off the invoker check, never by an allUsers binding", () => {
  test.each([
    ["public behind the load balancer", withIngress("all")],
    ["public at its run.app URL (no DNS record)", withIngress("all", undefined)],
  ])("%s: invoker_iam_disabled, no invoker binding, no allUsers anywhere", (_name, env) => {
    const json = synth(env);
    expect(json).toHaveResourceWithProperties(CloudRunV2Service, { invoker_iam_disabled: true });
    expect(json).not.toHaveResource(CloudRunV2ServiceIamMember);
    expect(json).not.toMatch(/allUsers|allAuthenticatedUsers/);
  });

  test("internal ingress keeps the invoker check and grants nobody", () => {
    const json = synth(withIngress("internal"));
    expect(onlyResource(json, "google_cloud_run_v2_service")[1]).toMatchObject({ ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", invoker_iam_disabled: false });
    expect(json).not.toHaveResource(CloudRunV2ServiceIamMember);
    expect(json).not.toMatch(/allUsers|allAuthenticatedUsers/);
  });
});

describe("the bucket's HMAC key: managed by CI deploys, read by CI plans", () => {
  const rolesOf = (json: string, account: "plan" | "deploy") =>
    resourcesOf(json, "google_project_iam_member").filter(([id]) => id.startsWith(`ci_${account}-`)).map(([, m]) => m.role);

  test("the deploy identity holds HMAC Key Admin (Storage Admin grants no storage.hmacKeys.*); the plan identity only reads keys", () => {
    expect(synth(prod)).toHaveResource(StorageHmacKey);
    const json = synthBootstrap(prod);
    expect(rolesOf(json, "deploy")).toContain("roles/storage.hmacKeyAdmin");
    expect(rolesOf(json, "plan")).not.toContain("roles/storage.hmacKeyAdmin");
    const [, role] = onlyResource(json, "google_project_iam_custom_role");
    expect(role.permissions).toEqual(expect.arrayContaining(["storage.hmacKeys.get", "storage.hmacKeys.list"]));
    expect(role.permissions.filter((p: string) => p.startsWith("storage.hmacKeys.")).sort()).toEqual(["storage.hmacKeys.get", "storage.hmacKeys.list"]);
  });

  test("without a bucket there is no key, and the plan role reads none", () => {
    const noBucket = { ...prod, bucket: false, backups: { ...prod.backups!, offsite: undefined } } as GcpEnvironment;
    expect(resourcesOf(synth(noBucket), "google_storage_hmac_key")).toEqual([]);
    const json = synthBootstrap(noBucket);
    expect(json).toHaveResourceWithProperties(ProjectIamCustomRole, { role_id: "gcp_prod_ci_plan" });
    expect(onlyResource(json, "google_project_iam_custom_role")[1].permissions.filter((p: string) => p.startsWith("storage."))).toEqual([]);
  });
});

describe("APIs: enabled by the bootstrap, Cloud Resource Manager first", () => {
  test("the backend's stack enables none (its deploy identity cannot), so none of its resources meets an API still being switched on", () => {
    expect(resourcesOf(synth(prod), "google_project_service")).toEqual([]);
  });

  test.each([["with the CI identities", prod], ["without", { ...prod, ci: undefined } as GcpEnvironment]])("%s: enabled once, and every other API's enablement waits for it", (_name, env) => {
    const services = resourcesOf(synthBootstrap(env), "google_project_service");
    const crm = services.filter(([, s]) => s.service === "cloudresourcemanager.googleapis.com");
    expect(crm).toHaveLength(1);
    const [crmId, crmConfig] = crm[0];
    expect(crmConfig).toMatchObject({ disable_on_destroy: false });
    expect((crmConfig.depends_on ?? []).filter((d: string) => d.startsWith("google_project_service."))).toEqual([]);
    const others = services.filter(([id]) => id !== crmId);
    for (const [id, s] of others) expect({ id, dependsOn: s.depends_on }).toEqual({ id, dependsOn: expect.arrayContaining([`google_project_service.${crmId}`]) });
    // Every part's API whether the file uses the part yet or not (adding a cache needs no second bootstrap), the image repository's, keyless CI's.
    expect(others.map(([, s]) => s.service).sort()).toEqual([
      "artifactregistry", "compute", "dns", "iam", "iamcredentials", "logging", "redis", "run", "secretmanager", "servicenetworking", "sqladmin",
      "storage", "storagetransfer", "sts",
    ].map((api) => `${api}.googleapis.com`));
  });
});

test("private service access: a failed first create is retried by updating the ranges; destroy removes the peering so the VPC can go", () => {
  const json = synth(prod);
  expect(json).toHaveResourceWithProperties(ServiceNetworkingConnection, { update_on_creation_fail: true, deletion_policy: "REMOVE_PEERING" });
});

test("a failed first create of the service can be replaced or destroyed: Cloud Run's deletion protection is off (it holds no data), the database's stays", () => {
  const json = synth(prod);
  expect(prod.protect).toBe(true);
  expect(json).toHaveResourceWithProperties(CloudRunV2Service, { deletion_protection: false });
  expect(onlyResource(json, "google_sql_database_instance")[1]).toMatchObject({ deletion_protection: true, settings: { deletion_protection_enabled: true } });
});

describe("destroy, then create again: no name Google still keeps reserved, nothing the API cannot delete", () => {
  const json = synth(prod);
  const [suffixId] = onlyResource(json, "random_id");
  const suffix = `\${random_id.${suffixId}.hex}`;

  test("the Cloud SQL instance (a week), the log bucket (7 days), the Direct VPC subnet and its network (hours) carry a suffix made once", () => {
    expect(onlyResource(json, "random_id")[1]).toMatchObject({ byte_length: 2 });
    expect(onlyResource(json, "google_sql_database_instance")[1].name).toBe(`gcp-prod-${suffix}`);
    expect(onlyResource(json, "google_logging_project_bucket_config")[1].bucket_id).toBe(`gcp-prod-logs-${suffix}`);
    expect(onlyResource(json, "google_compute_subnetwork")[1].name).toBe(`gcp-prod-run-${suffix}`);
    expect(onlyResource(json, "google_compute_network")[1].name).toBe(`gcp-prod-${suffix}`);
  });

  test("the database and its user are dropped from the state, not deleted through the API (a user holding grants cannot be); the instance takes them along", () => {
    expect(onlyResource(json, "google_sql_user")[1]).toMatchObject({ deletion_policy: "ABANDON" });
    expect(onlyResource(json, "google_sql_database")[1]).toMatchObject({ deletion_policy: "ABANDON" });
  });

  test("the workload identity pool and provider ids (30 days) carry a suffix of the bootstrap's", () => {
    const boot = synthBootstrap(prod);
    const [poolSuffix] = resourcesOf(boot, "random_id").find(([id]) => id.startsWith("ci_"))!;
    expect(onlyResource(boot, "google_iam_workload_identity_pool")[1].workload_identity_pool_id).toBe(`github-actions-\${random_id.${poolSuffix}.hex}`);
    expect(onlyResource(boot, "google_iam_workload_identity_pool_provider")[1].workload_identity_pool_provider_id).toBe(`github-\${random_id.${poolSuffix}.hex}`);
  });

  test("the CI identities are not in the backend's stack, so a deploy never destroys the access it runs with", () => {
    for (const type of ["google_iam_workload_identity_pool", "google_iam_workload_identity_pool_provider", "google_service_account", "google_project_iam_member",
      "google_project_iam_custom_role", "google_service_account_iam_member"]) {
      expect({ type, found: resourcesOf(json, type) }).toEqual({ type, found: [] });
    }
  });
});

describe("write-only secrets built around the ephemeral database password", () => {
  const resolved = (value: string) => {
    const stack = new TerraformStack(Testing.app(), "versions");
    new TerraformOutput(stack, "version", { value: writeOnlyVersion(value) });
    return JSON.parse(Testing.synth(stack)).output.version.value;
  };

  test("their version is derived from the value with the password's name in place of its value, so it changes with the address or a rotation", () => {
    const v1 = "postgres://app:${ephemeral.random_password.db_1.result}@10.0.0.5:5432/app";
    expect(resolved(v1)).toBe('${parseint(substr(sha256(join("", ["postgres://app:ephemeral.random_password.db_1.result@10.0.0.5:5432/app"])), 0, 7), 16)}');
    expect(resolved(v1.replace("db_1", "db_2"))).not.toBe(resolved(v1));
    expect(hasEphemeralValue(v1)).toBe(true);
    expect(hasEphemeralValue("postgres://app:secret@host/app")).toBe(false);
  });

  test("only the password is ephemeral: the other secrets keep their values in the state (an HMAC key's secret is the key's own attribute)", () => {
    const json = JSON.parse(synth(prod));
    const versions = Object.entries<any>(json.resource.google_secret_manager_secret_version);
    const writeOnly = versions.filter(([, v]) => "secret_data_wo" in v).map(([id]) => id.replace(/_[0-9A-F]{8}$/, "")).sort();
    expect(writeOnly).toEqual(["app_database_database-password-version", "app_service_app_database-url-version"]);
    expect(json.resource.random_password).toBeUndefined();
  });
});
