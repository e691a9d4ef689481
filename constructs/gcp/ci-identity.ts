import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { IamWorkloadIdentityPool } from "@cdktf/provider-google/lib/iam-workload-identity-pool";
import { IamWorkloadIdentityPoolProvider } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { ProjectIamCustomRole } from "@cdktf/provider-google/lib/project-iam-custom-role";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { GcpEnvironment } from "../../lib/environment";
import { bucketCopySettings } from "./bucket-copy";

const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/**
 * What a plan of this stack reads, as predefined roles that read settings (get, list, IAM policies), not
 * data: not the basic `roles/viewer`, which reads nearly everything in the project, logs included, and
 * may export the Cloud SQL database. Each names what it is for. (compute.viewer can also read a VM's
 * serial console and screenshots: this stack has no VM.)
 */
const PLAN_ROLES = [
  "roles/iam.securityReviewer", // every IAM policy: the project's, the buckets', secrets', services', service accounts'; custom roles
  "roles/serviceusage.serviceUsageViewer", // the enabled APIs
  "roles/compute.viewer", // VPC, subnet, firewall, addresses, load balancer (compute.networkViewer lacks the serverless NEG)
  "roles/servicenetworking.viewer", // Cloud SQL's private service access
  "roles/run.viewer", // the service, the release job, the worker pools
  "roles/secretmanager.viewer", // secrets and their versions' metadata, never a value (see planReads)
  "roles/iam.serviceAccountViewer", // the service's and CI's service accounts
  "roles/iam.workloadIdentityPoolViewer", // this pool and its provider
  "roles/dns.reader", // the zone and its records
  "roles/storage.bucketViewer", // the buckets' settings: no object
];

/**
 * Reads for which the predefined roles give more than reading settings, granted through a custom role
 * instead: Cloud SQL Viewer may also export the database to a bucket of the caller's choosing, Logs
 * Viewer may also read the logs, and only Redis admins may read the AUTH string, which refreshing
 * google_redis_instance reads (it is in the state anyway). Not Secret Manager's secretAccessor: the
 * provider refreshes a secret version by reading its value, but keeps the state's when access is
 * refused, and a version's value never changes, so there is nothing to compare. The HMAC key's metadata
 * (never its secret, which only its creation returns): only the HMAC Key Admin and the basic roles grant
 * reading it, so the two read permissions are here.
 */
function planReads(env: GcpEnvironment): string[] {
  return [
    "logging.buckets.get", "logging.sinks.get",
    ...(env.bucket === false ? [] : ["storage.hmacKeys.get", "storage.hmacKeys.list"]),
    ...(env.database === false ? [] : ["cloudsql.instances.get", "cloudsql.databases.get", "cloudsql.users.list"]),
    ...(env.cache ? ["redis.instances.getAuthString"] : []),
  ];
}

/**
 * What applying this backend creates and changes. Granting IAM (projectIamAdmin) makes this identity
 * as powerful as an owner in practice; that is why only the protected GitHub environment may use it.
 */
const DEPLOY_ROLES = [
  "roles/run.admin", "roles/cloudsql.admin", "roles/storage.admin", "roles/compute.networkAdmin", "roles/compute.securityAdmin",
  "roles/compute.loadBalancerAdmin", "roles/dns.admin", "roles/secretmanager.admin", "roles/servicenetworking.networksAdmin",
  "roles/serviceusage.serviceUsageAdmin", "roles/iam.serviceAccountAdmin", "roles/iam.serviceAccountUser",
  "roles/iam.workloadIdentityPoolAdmin", "roles/resourcemanager.projectIamAdmin",
  "roles/logging.configWriter", // the regional log bucket and the _Default sink
  "roles/iam.roleAdmin", // the plan identity's custom role
  "roles/storage.hmacKeyAdmin", // the bucket's HMAC key (storage.admin grants no storage.hmacKeys.*): create, refresh, rotate
];

/** With a cache, and with the data bucket's off-site copy (bucket-copy.ts): read by plans, managed by deploys. */
const CACHE_ROLES = { plan: ["roles/redis.viewer"], deploy: ["roles/redis.admin"] };
const COPY_ROLES = { plan: ["roles/storagetransfer.viewer"], deploy: ["roles/storagetransfer.admin"] };

/**
 * Keyless CI: GitHub Actions jobs of one repository exchange their OIDC token for short-lived Google
 * credentials (Workload Identity Federation), so no service-account key is ever stored in GitHub. The
 * repository is recognised by its and its owner's numeric ids, which are never reused, not by its name,
 * which someone else can register after a rename or a deletion. Two identities, least privilege each:
 *   - plan: reads what a plan of this stack refreshes (PLAN_ROLES, planReads), usable only by jobs
 *     running in the GitHub environment `<stack>-plan`, where the pull-request plan and drift workflows
 *     run each stack;
 *   - deploy: usable only by jobs running in the repository's GitHub environment for this stack,
 *     whose protection rules (required reviewers, main branch only) guard production.
 * The first deploy that creates these is run by a person; the outputs are what the workflows need.
 */
export class GcpCiIdentity extends Construct {
  constructor(scope: Construct, id: string, env: GcpEnvironment, ci: NonNullable<GcpEnvironment["ci"]>) {
    super(scope, id);
    // Token exchange and impersonation (the project IAM grants below wait for cloudresourcemanager, in the stack's APIS).
    const apis = ["iamcredentials.googleapis.com", "sts.googleapis.com"].map((service) =>
      new ProjectService(this, service.split(".")[0], { service, disableOnDestroy: false, disableDependentServices: false }));

    const pool = new IamWorkloadIdentityPool(this, "pool", {
      workloadIdentityPoolId: "github-actions", displayName: "GitHub Actions", dependsOn: apis,
    });
    const provider = new IamWorkloadIdentityPoolProvider(this, "provider", {
      workloadIdentityPoolId: pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: "github",
      displayName: "GitHub Actions OIDC",
      description: `GitHub Actions of ${ci.githubRepository} (repository id ${ci.githubRepositoryId}, owner id ${ci.githubRepositoryOwnerId})`,
      oidc: { issuerUri: GITHUB_ISSUER },
      attributeMapping: {
        "google.subject": "assertion.sub",
        "attribute.repository": "assertion.repository",
        "attribute.environment": "assertion.environment",
      },
      // Tokens of any other repository are refused before any binding is looked at.
      attributeCondition: `assertion.repository_id == "${ci.githubRepositoryId}" && assertion.repository_owner_id == "${ci.githubRepositoryOwnerId}"`,
    });

    const copy = bucketCopySettings(env) ? COPY_ROLES : { plan: [], deploy: [] };
    const cache = env.cache ? CACHE_ROLES : { plan: [], deploy: [] };
    const plan = this.account("plan", `${env.name}-ci-plan`, `${env.name} CI plans and drift checks (read-only)`, [...PLAN_ROLES, ...cache.plan, ...copy.plan], env);
    this.grantPlanReads(env, plan);
    const deploy = this.account("deploy", `${env.name}-ci-deploy`, `${env.name} CI deploys`, [...DEPLOY_ROLES, ...cache.deploy, ...copy.deploy], env);
    const deployEnvironment = ci.deployEnvironment ?? env.name;
    // The repository is already checked by the provider's condition; the environment narrows it to the jobs meant to.
    for (const [name, account, environment] of [["plan", plan, `${env.name}-plan`], ["deploy", deploy, deployEnvironment]] as const) {
      new ServiceAccountIamMember(this, `${name}-federation`, {
        serviceAccountId: account.name, role: "roles/iam.workloadIdentityUser",
        member: `principalSet://iam.googleapis.com/${pool.name}/attribute.environment/${environment}`,
      });
    }

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

  /** planReads as a custom role of the project, granted to the plan identity. */
  private grantPlanReads(env: GcpEnvironment, plan: ServiceAccount): void {
    const roleId = `${env.name.replace(/-/g, "_")}_ci_plan`;
    const role = new ProjectIamCustomRole(this, "plan-reads", {
      project: env.project, roleId, title: `${env.name} CI plans: reads no predefined role grants alone`,
      description: "Cloud SQL, log routing, HMAC key and Redis settings a plan refreshes, without exporting, reading logs or administering",
      permissions: planReads(env),
    });
    // Named literally (the role's own name is known only after apply), so a plan shows which role is granted.
    new ProjectIamMember(this, "plan-reads-grant", {
      project: env.project, role: `projects/${env.project}/roles/${roleId}`, member: plan.member, dependsOn: [role],
    });
  }
}
