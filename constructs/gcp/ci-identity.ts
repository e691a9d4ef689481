import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { IamWorkloadIdentityPool } from "@cdktf/provider-google/lib/iam-workload-identity-pool";
import { IamWorkloadIdentityPoolProvider } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { ProjectIamCustomRole } from "@cdktf/provider-google/lib/project-iam-custom-role";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { ArtifactRegistryRepository } from "@cdktf/provider-google/lib/artifact-registry-repository";
import { ArtifactRegistryRepositoryIamMember } from "@cdktf/provider-google/lib/artifact-registry-repository-iam-member";
import { Id as RandomId } from "@cdktf/provider-random/lib/id";
import { GcpEnvironment } from "../../lib/environment";
import { bucketCopySettings } from "./index";

const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/**
 * What a plan of this stack reads, as predefined roles that read settings (get, list, IAM policies), not
 * data: not the basic `roles/viewer`, which reads nearly everything in the project, logs included, and
 * may export the Cloud SQL database. Each names what it is for. (compute.viewer can also read a VM's
 * serial console and screenshots: this stack has no VM.)
 */
const PLAN_ROLES = [
  "roles/iam.securityReviewer", // every IAM policy: the project's, the buckets', secrets', services'
  "roles/compute.viewer", // VPC, subnet, firewall, addresses, load balancer (compute.networkViewer lacks the serverless NEG)
  "roles/servicenetworking.viewer", // Cloud SQL's private service access
  "roles/run.viewer", // the service, the release job, the worker pools
  "roles/secretmanager.viewer", // secrets and their versions' metadata, never a value (see planReads)
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
 * What applying the backend's stack creates and changes. No project IAM, no service accounts, no APIs,
 * no workload identity: those are the bootstrap's (bootstrap-stack.ts), so this identity cannot grant
 * itself or anyone a project role, and a deploy cannot remove the access it runs with. It may act as the
 * service's runtime identity only (granted on that account, below), which Cloud Run requires of whoever
 * deploys a service running as it.
 */
const DEPLOY_ROLES = [
  "roles/run.admin", "roles/cloudsql.admin", "roles/storage.admin", "roles/compute.networkAdmin", "roles/compute.securityAdmin",
  "roles/compute.loadBalancerAdmin", "roles/dns.admin", "roles/secretmanager.admin", "roles/servicenetworking.networksAdmin",
  "roles/serviceusage.serviceUsageConsumer", // use the enabled APIs (the bootstrap enables them)
  "roles/logging.configWriter", // the regional log bucket and the _Default sink
  "roles/storage.hmacKeyAdmin", // the bucket's HMAC key (storage.admin grants no storage.hmacKeys.*): create, refresh, rotate
];

/** With a cache, and with the data bucket's off-site copy (bucket-copy.ts): read by plans, managed by deploys. */
const CACHE_ROLES = { plan: ["roles/redis.viewer"], deploy: ["roles/redis.admin"] };
const COPY_ROLES = { plan: ["roles/storagetransfer.viewer"], deploy: ["roles/storagetransfer.admin"] };

/** The workflows that run with an environment's drift and deploy credentials, and the only branch they may run from. */
export const CI_WORKFLOWS = { deploy: ".github/workflows/deploy.yml", drift: ".github/workflows/drift.yml", branch: "refs/heads/main" } as const;

/**
 * The GitHub environments of a stack's CI jobs: pull-request plans; drift checks and the deploy's plan (both
 * read-only, on main); deploys (on main, after approval).
 */
export function githubEnvironments(env: Pick<GcpEnvironment, "name">, ci: NonNullable<GcpEnvironment["ci"]>) {
  return { plan: `${env.name}-plan`, drift: `${env.name}-drift`, deploy: ci.deployEnvironment ?? env.name };
}

/**
 * Which GitHub tokens may be exchanged at all, before any binding is looked at: only this repository's (by
 * its and its owner's ids), and only from a job in one of the stack's environments. A plan may run from any
 * branch (a pull request's); the read-only `-drift` environment only from the drift workflow, or the deploy
 * workflow's plan job, on main; a deploy only from the deploy workflow on main (`workflow_ref`, which names the workflow file and the ref it ran from). A workflow on
 * another branch that declares the deploy environment, or an edited copy of deploy.yml run by hand from a
 * branch, is refused here even where the GitHub environment's own branch rule was left out.
 */
export function trustCondition(env: Pick<GcpEnvironment, "name">, ci: NonNullable<GcpEnvironment["ci"]>): string {
  const environments = githubEnvironments(env, ci);
  const workflow = (file: string) => `${ci.githubRepository}/${file}@${CI_WORKFLOWS.branch}`;
  return [
    `assertion.repository_id == "${ci.githubRepositoryId}" && assertion.repository_owner_id == "${ci.githubRepositoryOwnerId}" && (`,
    `assertion.environment == "${environments.plan}"`,
    ` || (assertion.environment == "${environments.drift}" && (assertion.workflow_ref == "${workflow(CI_WORKFLOWS.drift)}" || assertion.workflow_ref == "${workflow(CI_WORKFLOWS.deploy)}"))`,
    ` || (assertion.environment == "${environments.deploy}" && assertion.workflow_ref == "${workflow(CI_WORKFLOWS.deploy)}"))`,
  ].join("");
}

/** What the bootstrap makes that the CI identities are granted on. */
export interface GcpCiResources {
  /** The app's image repository: the deploy identity pushes to it. */
  readonly repository: ArtifactRegistryRepository;
  /** The service's runtime identity: the deploy identity acts as it. */
  readonly runtimeAccount: ServiceAccount;
  /** The state bucket, if the environment keeps its state in GCS. */
  readonly stateBucket?: string;
}

/**
 * Keyless CI: GitHub Actions jobs of one repository exchange their OIDC token for short-lived Google
 * credentials (Workload Identity Federation), so no service-account key is ever stored in GitHub. The
 * repository is recognised by its and its owner's numeric ids, which are never reused, not by its name,
 * which someone else can register after a rename or a deletion. Two identities, least privilege each:
 *   - plan: reads what a plan of this stack refreshes (PLAN_ROLES, planReads), usable only by jobs
 *     running in the GitHub environment `<stack>-plan` (pull-request plans) or `<stack>-drift` (drift
 *     checks and the plan a deploy applies, from main only);
 *   - deploy: usable only by the deploy workflow on main, in the repository's GitHub environment for this
 *     stack, whose protection rules (required reviewers) guard production (trustCondition).
 * Part of the bootstrap (bootstrap-stack.ts), which a person applies; the outputs are what the workflows need.
 */
export class GcpCiIdentity extends Construct {
  constructor(scope: Construct, id: string, env: GcpEnvironment, ci: NonNullable<GcpEnvironment["ci"]>, made: GcpCiResources) {
    super(scope, id);
    // Google keeps a deleted pool's and provider's ids for 30 days: suffixed, a pool made again gets new ones.
    const suffix = new RandomId(this, "id-suffix", { byteLength: 2 }).hex;
    const pool = new IamWorkloadIdentityPool(this, "pool", {
      workloadIdentityPoolId: `github-actions-${suffix}`, displayName: "GitHub Actions",
    });
    const provider = new IamWorkloadIdentityPoolProvider(this, "provider", {
      workloadIdentityPoolId: pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: `github-${suffix}`,
      displayName: "GitHub Actions OIDC",
      description: `GitHub Actions of ${ci.githubRepository} (repository id ${ci.githubRepositoryId}, owner id ${ci.githubRepositoryOwnerId})`,
      oidc: { issuerUri: GITHUB_ISSUER },
      attributeMapping: {
        "google.subject": "assertion.sub",
        "attribute.repository": "assertion.repository",
        "attribute.environment": "assertion.environment",
      },
      attributeCondition: trustCondition(env, ci),
    });

    const copy = bucketCopySettings(env) ? COPY_ROLES : { plan: [], deploy: [] };
    const cache = env.cache ? CACHE_ROLES : { plan: [], deploy: [] };
    const plan = this.account("plan", `${env.name}-ci-plan`, `${env.name} CI plans and drift checks (read-only)`, [...PLAN_ROLES, ...cache.plan, ...copy.plan], env);
    this.grantPlanReads(env, plan);
    const deploy = this.account("deploy", `${env.name}-ci-deploy`, `${env.name} CI deploys`, [...DEPLOY_ROLES, ...cache.deploy, ...copy.deploy], env);
    const environments = githubEnvironments(env, ci);
    // The provider's condition already checked the repository, and which workflow on which branch may use
    // which environment; the environment says which identity.
    const bindings = [["plan", plan, environments.plan], ["drift", plan, environments.drift], ["deploy", deploy, environments.deploy]] as const;
    for (const [name, account, environment] of bindings) {
      new ServiceAccountIamMember(this, `${name}-federation`, {
        serviceAccountId: account.name, role: "roles/iam.workloadIdentityUser",
        member: `principalSet://iam.googleapis.com/${pool.name}/attribute.environment/${environment}`,
      });
    }
    const deployEnvironment = environments.deploy;

    // Deploying a service that runs as the runtime identity requires acting as it; no other account.
    new ServiceAccountIamMember(this, "deploy-acts-as-runtime", { serviceAccountId: made.runtimeAccount.name, role: "roles/iam.serviceAccountUser", member: deploy.member });
    // A release pipeline of the repository pushes the app's images with the deploy identity; a plan pulls none.
    new ArtifactRegistryRepositoryIamMember(this, "deploy-pushes-images", {
      location: made.repository.location, repository: made.repository.name, role: "roles/artifactregistry.writer", member: deploy.member,
    });
    if (made.stateBucket) {
      // Deploys write the state (and its lock); plans only read it, so a plan identity can neither change nor delete it.
      new StorageBucketIamMember(this, "plan-state", { bucket: made.stateBucket, role: "roles/storage.objectViewer", member: plan.member });
      new StorageBucketIamMember(this, "deploy-state", { bucket: made.stateBucket, role: "roles/storage.objectAdmin", member: deploy.member });
    }

    // Named plainly (not path-hashed): the README and the bootstrap's closing message name them.
    const outputs = {
      workload_identity_provider: { value: provider.name, description: "GitHub variable GCP_WORKLOAD_IDENTITY_PROVIDER" },
      plan_service_account: { value: plan.email, description: `GitHub variable GCP_SERVICE_ACCOUNT of the ${env.name}-plan environment` },
      deploy_service_account: { value: deploy.email, description: `GitHub variable GCP_SERVICE_ACCOUNT of the ${deployEnvironment} environment` },
    };
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output).overrideLogicalId(name);
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
