import { Construct, IConstruct } from "constructs";
import { dependable, IAspect, TerraformDataSource, TerraformResource, TerraformStack } from "cdktf";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";

/**
 * Enabled before every other API: the provider reads each google_project_service (after creating it, and
 * on every refresh) through Cloud Resource Manager, and project IAM is made through it too.
 */
export const RESOURCE_MANAGER_API = "cloudresourcemanager.googleapis.com";

/**
 * The Google APIs a fresh project needs switched on for this backend (RESOURCE_MANAGER_API first): every
 * part's, whether the file uses it yet or not (an enabled API costs nothing), so adding a cache or an
 * off-site copy later needs no second bootstrap; the image repository's; and keyless CI's (token
 * exchange and impersonation).
 */
export const APIS = [
  RESOURCE_MANAGER_API, "compute.googleapis.com", "servicenetworking.googleapis.com", "sqladmin.googleapis.com", "run.googleapis.com",
  "secretmanager.googleapis.com", "iam.googleapis.com", "dns.googleapis.com", "storage.googleapis.com", "redis.googleapis.com",
  "storagetransfer.googleapis.com", "logging.googleapis.com", "artifactregistry.googleapis.com",
  "iamcredentials.googleapis.com", "sts.googleapis.com",
];

/** The API each kind of Google resource or data source is made through, by type prefix: the first that matches. */
const API_OF_TYPE: readonly (readonly [prefix: string, api: string])[] = [
  ["google_compute_", "compute.googleapis.com"],
  ["google_service_networking_", "servicenetworking.googleapis.com"],
  ["google_sql_", "sqladmin.googleapis.com"],
  ["google_cloud_run_", "run.googleapis.com"],
  ["google_secret_manager_", "secretmanager.googleapis.com"],
  ["google_service_account", "iam.googleapis.com"],
  ["google_iam_workload_identity_pool", "iam.googleapis.com"],
  ["google_project_iam_custom_role", "iam.googleapis.com"], // before google_project_iam_
  ["google_project_iam_", "cloudresourcemanager.googleapis.com"],
  ["google_logging_", "logging.googleapis.com"],
  ["google_dns_", "dns.googleapis.com"],
  ["google_storage_transfer_", "storagetransfer.googleapis.com"], // before google_storage_
  ["google_storage_", "storage.googleapis.com"],
  ["google_redis_", "redis.googleapis.com"],
  ["google_artifact_registry_", "artifactregistry.googleapis.com"],
];

/**
 * Enables the APIs, in the bootstrap stack (bootstrap-stack.ts): an API switched on in the same apply
 * as the first resource made through it is not yet usable there, and a deploy identity able to switch
 * APIs would need Service Usage Admin. Left enabled on destroy: other things in the project may use them, and
 * disabling an API deletes what depends on it. Cloud Resource Manager first (WaitForApis makes every
 * other google_project_service wait for it).
 *
 * An API just enabled is not usable everywhere at once (Google: "a few minutes" to propagate). The
 * backend's stack is applied after the bootstrap, so its resources never meet that; within the bootstrap
 * (a repository, a bucket, service accounts) the google provider retries the errors it knows as
 * transient, and where a first bootstrap still fails with "API has not been used in project … or it is
 * disabled", running it again continues from where it stopped. (A `time_sleep` would need the time
 * provider, which this project does not build: lib/providers.ts.)
 */
export class ProjectApis extends Construct {
  readonly services: ProjectService[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.services = APIS.map((service) => new ProjectService(this, service.split(".")[0], { service, disableOnDestroy: false, disableDependentServices: false }));
  }
}

/**
 * In the stack that enables the APIs (the bootstrap): makes every Google resource and data source of it depend on the google_project_service that
 * enables its API: on a fresh project, a resource created (or a data source read) while its API is
 * still being switched on fails. An aspect, so no part (and no resource added later) can forget it; a
 * type without a known API, or whose API the stack does not enable, fails synth instead of failing a
 * first deploy. A data source whose API is still to be enabled is read during that apply.
 */
export class WaitForApis implements IAspect {
  private enabled?: Map<string, ProjectService>;
  private readonly done = new WeakSet<IConstruct>(); // a second synth visits again

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource || node instanceof TerraformDataSource) || this.done.has(node)) return;
    const type = node.terraformResourceType;
    if (!type.startsWith("google_")) return;
    this.enabled ??= new Map(TerraformStack.of(node).node.findAll()
      .filter((c): c is ProjectService => c instanceof ProjectService)
      .map((s) => [s.serviceInput!, s]));
    if (node instanceof ProjectService) {
      // Every other API's enablement (the CI identity's too) after Cloud Resource Manager's: reading it back calls that API.
      const first = this.enabled.get(RESOURCE_MANAGER_API);
      if (first && node !== first) node.dependsOn = [...(node.dependsOn ?? []), dependable(first)];
      this.done.add(node);
      return;
    }
    const api = API_OF_TYPE.find(([prefix]) => type.startsWith(prefix))?.[1];
    if (!api) throw new Error(`${node.node.path}: no Google API is known for ${type}; add the API it is made through to API_OF_TYPE in constructs/gcp/services.ts`);
    const service = this.enabled.get(api);
    if (!service) throw new Error(`${node.node.path}: ${type} is made through ${api}, which no google_project_service in the stack enables; add it to APIS in constructs/gcp/services.ts`);
    node.dependsOn = [...(node.dependsOn ?? []), dependable(service)];
    this.done.add(node);
  }
}
