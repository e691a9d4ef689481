import { Construct, IConstruct } from "constructs";
import { Aspects, IAspect, TerraformOutput, TerraformStack } from "cdktf";
import { IamWorkloadIdentityPool } from "@cdktf/provider-google/lib/iam-workload-identity-pool";
import { IamWorkloadIdentityPoolProvider } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { GcpEnvironment } from "../../lib/environment";
import { bucketCopySettings } from "./bucket-copy";

const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/**
 * Plans read everything. Secret versions too, as refreshing one reads its payload: but only this
 * stack's secrets, granted on each (below), not every secret of the project. They do not lock the
 * state (`npm run plan` and `npm run drift` plan with -lock=false), so they only read its bucket.
 */
const PLAN_ROLES = ["roles/viewer", "roles/iam.securityReviewer"];

/**
 * What applying this backend creates and changes. Granting IAM (projectIamAdmin) makes this identity
 * as powerful as an owner in practice; that is why only the protected GitHub environment may use it.
 */
const DEPLOY_ROLES = [
  "roles/run.admin", "roles/cloudsql.admin", "roles/storage.admin", "roles/compute.networkAdmin", "roles/compute.securityAdmin",
  "roles/compute.loadBalancerAdmin", "roles/dns.admin", "roles/secretmanager.admin", "roles/servicenetworking.networksAdmin",
  "roles/serviceusage.serviceUsageAdmin", "roles/iam.serviceAccountAdmin", "roles/iam.serviceAccountUser",
  "roles/iam.workloadIdentityPoolAdmin", "roles/resourcemanager.projectIamAdmin",
];

/** With the data bucket's off-site copy (bucket-copy.ts): its transfer job, read by plans, managed by deploys. */
const COPY_ROLES = { plan: ["roles/storagetransfer.viewer"], deploy: ["roles/storagetransfer.admin"] };

/**
 * Keyless CI: GitHub Actions jobs of one repository exchange their OIDC token for short-lived Google
 * credentials (Workload Identity Federation), so no service-account key is ever stored in GitHub.
 * Two identities, least privilege each:
 *   - plan: read-only, usable only by jobs running in the GitHub environment `<stack>-plan`, where the
 *     pull-request plan and drift workflows run each stack;
 *   - deploy: usable only by jobs running in the repository's GitHub environment for this stack,
 *     whose protection rules (required reviewers, main branch only) guard production.
 * The first deploy that creates these is run by a person; the outputs are what the workflows need.
 */
export class GcpCiIdentity extends Construct {
  constructor(scope: Construct, id: string, env: GcpEnvironment, ci: NonNullable<GcpEnvironment["ci"]>) {
    super(scope, id);
    const repository = ci.githubRepository;
    // Token exchange and impersonation, and the project IAM grants below (cloudresourcemanager).
    const apis = ["iamcredentials.googleapis.com", "sts.googleapis.com", "cloudresourcemanager.googleapis.com"].map((service) =>
      new ProjectService(this, service.split(".")[0], { service, disableOnDestroy: false, disableDependentServices: false }));

    const pool = new IamWorkloadIdentityPool(this, "pool", {
      workloadIdentityPoolId: "github-actions", displayName: "GitHub Actions", dependsOn: apis,
    });
    const provider = new IamWorkloadIdentityPoolProvider(this, "provider", {
      workloadIdentityPoolId: pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: "github",
      displayName: "GitHub Actions OIDC",
      oidc: { issuerUri: GITHUB_ISSUER },
      attributeMapping: {
        "google.subject": "assertion.sub",
        "attribute.repository": "assertion.repository",
        "attribute.environment": "assertion.environment",
      },
      // Tokens of any other repository are refused before any binding is looked at.
      attributeCondition: `assertion.repository == "${repository}"`,
    });

    const copy = bucketCopySettings(env) ? COPY_ROLES : { plan: [], deploy: [] };
    const plan = this.account("plan", `${env.name}-ci-plan`, `${env.name} CI plans and drift checks (read-only)`, [...PLAN_ROLES, ...copy.plan], env);
    const deploy = this.account("deploy", `${env.name}-ci-deploy`, `${env.name} CI deploys`, [...DEPLOY_ROLES, ...copy.deploy], env);
    const deployEnvironment = ci.deployEnvironment ?? env.name;
    // The repository is already checked by the provider's condition; the environment narrows it to the jobs meant to.
    for (const [name, account, environment] of [["plan", plan, `${env.name}-plan`], ["deploy", deploy, deployEnvironment]] as const) {
      new ServiceAccountIamMember(this, `${name}-federation`, {
        serviceAccountId: account.name, role: "roles/iam.workloadIdentityUser",
        member: `principalSet://iam.googleapis.com/${pool.name}/attribute.environment/${environment}`,
      });
    }

    Aspects.of(TerraformStack.of(this)).add(new PlanReadsSecrets(this, plan.member));

    if (env.state.backend === "gcs") {
      // Deploys write the state (and its lock); plans only read it, so a plan identity can neither change nor delete it.
      new StorageBucketIamMember(this, "plan-state", { bucket: env.state.bucket, role: "roles/storage.objectViewer", member: plan.member });
      new StorageBucketIamMember(this, "deploy-state", { bucket: env.state.bucket, role: "roles/storage.objectAdmin", member: deploy.member });
    }

    new TerraformOutput(this, "workload_identity_provider", { value: provider.name, description: "GitHub variable GCP_WORKLOAD_IDENTITY_PROVIDER" });
    new TerraformOutput(this, "plan_service_account", { value: plan.email, description: `GitHub variable GCP_SERVICE_ACCOUNT of the ${env.name}-plan environment` });
    new TerraformOutput(this, "deploy_service_account", { value: deploy.email, description: `GitHub variable GCP_SERVICE_ACCOUNT of the ${env.name} environment` });
  }

  private account(id: string, accountId: string, displayName: string, roles: string[], env: GcpEnvironment): ServiceAccount {
    const account = new ServiceAccount(this, id, { accountId: accountId.slice(0, 30), displayName });
    for (const role of roles) {
      new ProjectIamMember(this, `${id}-${role.replace(/^roles\//, "").replace(/\./g, "-")}`, { project: env.project, role, member: account.member });
    }
    return account;
  }
}

/**
 * The plan identity reads each secret of the stack (a grant per secret, see PLAN_ROLES). An aspect, so
 * that a secret added after the CI identity (by `extend`, backend-app.ts) is granted too.
 */
class PlanReadsSecrets implements IAspect {
  private readonly done = new WeakSet<IConstruct>(); // a second synth visits again

  constructor(private readonly ci: Construct, private readonly member: string) {}

  visit(node: IConstruct): void {
    if (!(node instanceof SecretManagerSecret) || this.done.has(node)) return;
    new SecretManagerSecretIamMember(this.ci, `plan-reads-${node.friendlyUniqueId}`, { secretId: node.id, role: "roles/secretmanager.secretAccessor", member: this.member });
    this.done.add(node);
  }
}
