import { Testing } from "cdktf";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { CloudRunV2ServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-member";
import { ProjectIamCustomRole } from "@cdktf/provider-google/lib/project-iam-custom-role";
import { ServiceNetworkingConnection } from "@cdktf/provider-google/lib/service-networking-connection";
import { StorageHmacKey } from "@cdktf/provider-google/lib/storage-hmac-key";
import { BackendStack } from "../../constructs/backend-stack";
import { GcpEnvironment } from "../../lib/environment";
import { shippedEnvironment } from "../support/shipped-environments";
import { onlyResource, resourcesOf } from "../support/synthesized";

// What a first real apply into a fresh project (and a later destroy) needs, at synth (issue 22, items 1, 3-5);
// the plan test checks the same against the real provider.
const prod = shippedEnvironment("gcp-prod") as GcpEnvironment;
const synth = (env: GcpEnvironment) => Testing.synth(new BackendStack(Testing.app(), env));
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
    const json = synth(prod);
    expect(json).toHaveResource(StorageHmacKey);
    expect(rolesOf(json, "deploy")).toContain("roles/storage.hmacKeyAdmin");
    expect(rolesOf(json, "plan")).not.toContain("roles/storage.hmacKeyAdmin");
    const [, role] = onlyResource(json, "google_project_iam_custom_role");
    expect(role.permissions).toEqual(expect.arrayContaining(["storage.hmacKeys.get", "storage.hmacKeys.list"]));
    expect(role.permissions.filter((p: string) => p.startsWith("storage.hmacKeys.")).sort()).toEqual(["storage.hmacKeys.get", "storage.hmacKeys.list"]);
  });

  test("without a bucket there is no key, and the plan role reads none", () => {
    const json = synth({ ...prod, bucket: false, backups: { ...prod.backups!, offsite: undefined } } as GcpEnvironment);
    expect(resourcesOf(json, "google_storage_hmac_key")).toEqual([]);
    expect(json).toHaveResourceWithProperties(ProjectIamCustomRole, { role_id: "gcp_prod_ci_plan" });
    expect(onlyResource(json, "google_project_iam_custom_role")[1].permissions.filter((p: string) => p.startsWith("storage."))).toEqual([]);
  });
});

describe("APIs: Cloud Resource Manager is enabled first", () => {
  test.each([["with the CI identities", prod], ["without", { ...prod, ci: undefined } as GcpEnvironment]])("%s: enabled once, and every other API's enablement waits for it", (_name, env) => {
    const services = resourcesOf(synth(env), "google_project_service");
    const crm = services.filter(([, s]) => s.service === "cloudresourcemanager.googleapis.com");
    expect(crm).toHaveLength(1);
    const [crmId, crmConfig] = crm[0];
    expect(crmConfig).toMatchObject({ disable_on_destroy: false });
    expect((crmConfig.depends_on ?? []).filter((d: string) => d.startsWith("google_project_service."))).toEqual([]);
    const others = services.filter(([id]) => id !== crmId);
    expect(others.length).toBeGreaterThanOrEqual(env.ci ? 13 : 11);
    for (const [id, s] of others) expect({ id, dependsOn: s.depends_on }).toEqual({ id, dependsOn: expect.arrayContaining([`google_project_service.${crmId}`]) });
    if (env.ci) expect(others.map(([, s]) => s.service)).toEqual(expect.arrayContaining(["iamcredentials.googleapis.com", "sts.googleapis.com"]));
  });
});

test("private service access: a failed first create is retried by updating the ranges; destroy removes the peering so the VPC can go", () => {
  const json = synth(prod);
  expect(json).toHaveResourceWithProperties(ServiceNetworkingConnection, { update_on_creation_fail: true, deletion_policy: "REMOVE_PEERING" });
});
