import { Testing } from "cdktf";
import { IamWorkloadIdentityPoolProvider } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { ProjectIamCustomRole } from "@cdktf/provider-google/lib/project-iam-custom-role";
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { BackendStack } from "../../constructs/backend-stack";
import { EnvironmentError, GcpEnvironment, validateEnvironment } from "../../lib/environment";
import gcpProdFile from "../../environments/gcp-prod";
import { shippedEnvironment } from "../support/shipped-environments";
import { resourcesOf } from "../support/synthesized";

// The CI identities of a GCP stack: a plan identity that reads settings and no data (no basic roles/viewer,
// no secret values, no export, no logs), and a trust condition pinned to the repository's and owner's ids.
const prod = shippedEnvironment("gcp-prod") as GcpEnvironment;
const synth = (env: GcpEnvironment, extend?: (stack: BackendStack) => void) => {
  const stack = new BackendStack(Testing.app(), env);
  extend?.(stack);
  return Testing.synth(stack);
};
/** The project roles granted to `<stack>-ci-<account>`, by the grants' construct ids. */
const rolesOf = (json: string, account: "plan" | "deploy") =>
  resourcesOf(json, "google_project_iam_member").filter(([id]) => id.startsWith(`ci_${account}-`)).map(([, m]) => m.role).sort();

const PLAN_ROLES = [
  "roles/compute.viewer", "roles/dns.reader", "roles/iam.securityReviewer", "roles/iam.serviceAccountViewer", "roles/iam.workloadIdentityPoolViewer",
  "roles/run.viewer", "roles/secretmanager.viewer", "roles/servicenetworking.viewer", "roles/serviceusage.serviceUsageViewer",
  "roles/storage.bucketViewer",
];

describe("the plan identity reads settings, not data", () => {
  const json = synth(prod);

  test("specific read roles instead of roles/viewer (with the off-site copy, Storage Transfer's viewer too)", () => {
    expect(rolesOf(json, "plan")).toEqual([...PLAN_ROLES, "roles/storagetransfer.viewer", "projects/acme-prod-4711/roles/gcp_prod_ci_plan"].sort());
    expect(rolesOf(json, "plan")).not.toContain("roles/viewer");
    expect(rolesOf(json, "plan")).not.toContain("roles/cloudsql.viewer"); // it may export the database
    expect(rolesOf(json, "plan")).not.toContain("roles/logging.viewer"); // it may read the logs
  });

  test("what no predefined read role grants alone is a custom role: Cloud SQL, log routing and HMAC key settings, granted to the plan identity by name", () => {
    expect(json).toHaveResourceWithProperties(ProjectIamCustomRole, {
      project: "acme-prod-4711", role_id: "gcp_prod_ci_plan",
      permissions: ["logging.buckets.get", "logging.sinks.get", "storage.hmacKeys.get", "storage.hmacKeys.list", "cloudsql.instances.get", "cloudsql.databases.get", "cloudsql.users.list"],
    });
    const [roleId] = resourcesOf(json, "google_project_iam_custom_role")[0];
    const [, grant] = resourcesOf(json, "google_project_iam_member").find(([id]) => id.startsWith("ci_plan-reads-grant"))!;
    expect(grant).toMatchObject({ role: "projects/acme-prod-4711/roles/gcp_prod_ci_plan", member: expect.stringMatching(/^\$\{google_service_account\.ci_plan_.*\.member\}$/) });
    expect(grant.depends_on).toContain(`google_project_iam_custom_role.${roleId}`);
  });

  test("with a cache the plan reads Redis (its AUTH string, which a refresh reads, by the custom role); without a database, no Cloud SQL", () => {
    const json = synth({ ...prod, cache: { engine: "redis", memoryGb: 1, availability: "ZONAL" }, database: false } as GcpEnvironment);
    expect(rolesOf(json, "plan")).toContain("roles/redis.viewer");
    expect(rolesOf(json, "deploy")).toContain("roles/redis.admin");
    const [, role] = resourcesOf(json, "google_project_iam_custom_role")[0];
    expect(role.permissions).toEqual(["logging.buckets.get", "logging.sinks.get", "storage.hmacKeys.get", "storage.hmacKeys.list", "redis.instances.getAuthString"]);
  });

  test("no secret's value, not even of a secret added in code: versions are read for their metadata only", () => {
    const json = synth(prod, (stack) => new SecretManagerSecret(stack, "webhook-key", { secretId: "webhook-key", replication: { userManaged: { replicas: [{ location: "europe-west3" }] } } }));
    const planMember = /\$\{google_service_account\.ci_plan_[^.]+\.member\}/;
    expect(resourcesOf(json, "google_secret_manager_secret_iam_member").filter(([, m]) => planMember.test(m.member))).toEqual([]);
    expect(rolesOf(json, "plan")).toContain("roles/secretmanager.viewer");
  });

  test("deploys may manage the log routing and the plan identity's custom role, and are never owner or editor", () => {
    expect(rolesOf(json, "deploy")).toEqual(expect.arrayContaining(["roles/logging.configWriter", "roles/iam.roleAdmin"]));
    expect(rolesOf(json, "deploy")).not.toEqual(expect.arrayContaining(["roles/owner"]));
    expect(rolesOf(json, "deploy")).not.toEqual(expect.arrayContaining(["roles/editor"]));
  });
});

describe("the trust condition names the repository by its ids", () => {
  test("tokens are accepted only with both the repository's and the owner's numeric ids, not by the (re-registrable) name", () => {
    const json = synth(prod);
    expect(json).toHaveResourceWithProperties(IamWorkloadIdentityPoolProvider, {
      attribute_condition: 'assertion.repository_id == "812345670" && assertion.repository_owner_id == "98765432"',
    });
    const [, provider] = resourcesOf(json, "google_iam_workload_identity_pool_provider")[0];
    expect(provider.attribute_condition).not.toContain("assertion.repository ==");
  });

  /** The problems loading gcp-prod's file with `ci` replaced reports. */
  const problems = (ci: object): string => {
    try {
      validateEnvironment({ ...gcpProdFile, ci }, "environments/gcp-prod.ts");
    } catch (err) {
      expect(err).toBeInstanceOf(EnvironmentError);
      return (err as Error).message;
    }
    throw new Error("expected validation to fail");
  };

  test("with ci, both ids are required, and each must be a numeric string: the file is refused at load, naming the field", () => {
    expect(problems({ githubRepository: "acme/backend" })).toEqual(expect.stringMatching(/ci\.githubRepositoryId: \(missing\)[\s\S]*ci\.githubRepositoryOwnerId: \(missing\)/));
    expect(problems({ githubRepository: "acme/backend", githubRepositoryId: "acme", githubRepositoryOwnerId: "98765432" }))
      .toContain('ci.githubRepositoryId: "acme" — expected the repository\'s numeric id as a string, e.g. "804113529" (gh api repos/OWNER/REPO --jq .id)');
    expect(problems({ githubRepository: "acme/backend", githubRepositoryId: "812345670", githubRepositoryOwnerId: 98765432 }))
      .toContain("ci.githubRepositoryOwnerId: 98765432 — expected string, got number");
  });
});
