import { Testing } from "cdktf";
import { ProjectIamCustomRole } from "@cdktf/provider-google/lib/project-iam-custom-role";
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { GcpBootstrapStack } from "../../constructs/gcp/bootstrap-stack";
import { EnvironmentError, GcpEnvironment, validateEnvironment } from "../../lib/environment";
import gcpProdFile from "../../environments/gcp-prod";
import { shippedEnvironment } from "../support/shipped-environments";
import { resourcesOf } from "../support/synthesized";

// The CI identities of a GCP environment (in its bootstrap stack): a plan identity that reads settings and no data (no basic roles/viewer,
// no secret values, no export, no logs), and a trust condition pinned to the repository's and owner's ids.
const prod = shippedEnvironment("gcp-prod") as GcpEnvironment;
const synth = (env: GcpEnvironment, extend?: (stack: GcpBootstrapStack) => void) => {
  const stack = new GcpBootstrapStack(Testing.app(), env);
  extend?.(stack);
  return Testing.synth(stack);
};
/** The project roles granted to `<stack>-ci-<account>`, by the grants' construct ids. */
const rolesOf = (json: string, account: "plan" | "deploy") =>
  resourcesOf(json, "google_project_iam_member").filter(([id]) => id.startsWith(`ci_${account}-`)).map(([, m]) => m.role).sort();

const PLAN_ROLES = [
  "roles/compute.viewer", "roles/dns.reader", "roles/iam.securityReviewer", "roles/run.viewer", "roles/secretmanager.viewer",
  "roles/servicenetworking.viewer", "roles/storage.bucketViewer",
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

  test("deploys manage the backend's resources and the log routing; they cannot grant project roles, make service accounts or switch APIs", () => {
    expect(rolesOf(json, "deploy")).toEqual([
      "roles/cloudsql.admin", "roles/compute.loadBalancerAdmin", "roles/compute.networkAdmin", "roles/compute.securityAdmin", "roles/dns.admin",
      "roles/logging.configWriter", "roles/run.admin", "roles/secretmanager.admin", "roles/servicenetworking.networksAdmin",
      "roles/serviceusage.serviceUsageConsumer", "roles/storage.admin", "roles/storage.hmacKeyAdmin", "roles/storagetransfer.admin",
    ]);
  });

  test("deploys act as the runtime identity only (granted on that account) and push to the image repository only", () => {
    const [[, actAs]] = resourcesOf(json, "google_service_account_iam_member").filter(([, m]) => m.role === "roles/iam.serviceAccountUser");
    expect(actAs).toMatchObject({ service_account_id: expect.stringMatching(/^\$\{google_service_account\.runtime\.name\}$/), member: expect.stringMatching(/ci_deploy_.*\.member/) });
    const [[, push]] = resourcesOf(json, "google_artifact_registry_repository_iam_member");
    expect(push).toMatchObject({ role: "roles/artifactregistry.writer", repository: expect.stringMatching(/google_artifact_registry_repository\.images\.name/), member: expect.stringMatching(/ci_deploy_/) });
  });
});

describe("the trust condition names the repository by its ids, and which workflow on which branch may use which environment", () => {
  const condition = () => {
    const [, provider] = resourcesOf(synth(prod), "google_iam_workload_identity_pool_provider")[0];
    return provider.attribute_condition as string;
  };
  /** Evaluates the CEL condition for a token's claims (it uses ==, &&, || and parentheses only: JavaScript reads it the same). */
  const accepts = (claims: Record<string, string>) => {
    const js = condition().replace(/assertion\.([a-z_]+)/g, (_m, claim) => JSON.stringify(claims[claim] ?? null));
    return Function(`return (${js});`)() as boolean;
  };
  const token = { repository_id: "812345670", repository_owner_id: "98765432" };
  const main = (file: string) => `acme/backend/.github/workflows/${file}@refs/heads/main`;

  test("tokens are accepted only with both the repository's and the owner's numeric ids, not by the (re-registrable) name", () => {
    expect(condition()).toMatch(/^assertion\.repository_id == "812345670" && assertion\.repository_owner_id == "98765432" && \(/);
    expect(condition()).not.toContain("assertion.repository ==");
    expect(accepts({ repository_id: "1", repository_owner_id: "98765432", environment: "gcp-prod-plan" })).toBe(false);
  });

  test.each([
    ["a pull request's plan, from any branch", { environment: "gcp-prod-plan", workflow_ref: "acme/backend/.github/workflows/pr-plan.yml@refs/pull/7/merge" }, true],
    ["drift from the drift workflow on main", { environment: "gcp-prod-drift", workflow_ref: main("drift.yml") }, true],
    ["the deploy workflow's plan job (read-only) on main", { environment: "gcp-prod-drift", workflow_ref: main("deploy.yml") }, true],
    ["drift from a branch", { environment: "gcp-prod-drift", workflow_ref: "acme/backend/.github/workflows/drift.yml@refs/heads/feature" }, false],
    ["a deploy from the deploy workflow on main", { environment: "gcp-prod", workflow_ref: main("deploy.yml") }, true],
    ["a branch's workflow declaring the deploy environment", { environment: "gcp-prod", workflow_ref: "acme/backend/.github/workflows/deploy.yml@refs/heads/evil" }, false],
    ["another workflow on main declaring the deploy environment", { environment: "gcp-prod", workflow_ref: main("pr-plan.yml") }, false],
    ["another stack's drift environment", { environment: "gcp-staging-drift", workflow_ref: main("drift.yml") }, false],
    ["a pull request's workflow using the read-only main environment", { environment: "gcp-prod-drift", workflow_ref: "acme/backend/.github/workflows/pr-plan.yml@refs/pull/7/merge" }, false],
    ["a job without an environment", { workflow_ref: main("deploy.yml") }, false],
  ])("%s: %j accepted %s", (_name, claims, accepted) => {
    expect(accepts({ ...token, ...claims })).toBe(accepted);
  });

  test("the plan identity is bound to the plan and drift environments, the deploy identity to the deploy environment (ci.deployEnvironment)", () => {
    const json = synth({ ...prod, ci: { ...prod.ci!, deployEnvironment: "production" } } as GcpEnvironment);
    const bindings = resourcesOf(json, "google_service_account_iam_member").filter(([, m]) => m.role === "roles/iam.workloadIdentityUser")
      .map(([, m]) => `${/ci_(plan|deploy)_/.exec(m.service_account_id)?.[1]} ${m.member.split("/attribute.environment/")[1]}`).sort();
    expect(bindings).toEqual(["deploy production", "plan gcp-prod-drift", "plan gcp-prod-plan"]);
    const [, provider] = resourcesOf(json, "google_iam_workload_identity_pool_provider")[0];
    expect(provider.attribute_condition).toContain(`(assertion.environment == "production" && assertion.workflow_ref == "${main("deploy.yml")}")`);
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

  test.each(["gcp-prod-plan", "gcp-prod-drift"])("a deploy environment %s (where pull requests plan, or drift runs) is refused at load", (deployEnvironment) => {
    expect(problems({ ...gcpProdFile.ci, deployEnvironment })).toContain(
      `ci.deployEnvironment: "${deployEnvironment}" — a GitHub environment of its own for deploys, not one ending in -plan or -drift (where pull-request plans and drift checks run)`);
  });

  test("with ci, both ids are required, and each must be a numeric string: the file is refused at load, naming the field", () => {
    expect(problems({ githubRepository: "acme/backend" })).toEqual(expect.stringMatching(/ci\.githubRepositoryId: \(missing\)[\s\S]*ci\.githubRepositoryOwnerId: \(missing\)/));
    expect(problems({ githubRepository: "acme/backend", githubRepositoryId: "acme", githubRepositoryOwnerId: "98765432" }))
      .toContain('ci.githubRepositoryId: "acme" — expected the repository\'s numeric id as a string, e.g. "804113529" (gh api repos/OWNER/REPO --jq .id)');
    expect(problems({ githubRepository: "acme/backend", githubRepositoryId: "812345670", githubRepositoryOwnerId: 98765432 }))
      .toContain("ci.githubRepositoryOwnerId: 98765432 — expected string, got number");
  });
});
