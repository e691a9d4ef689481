import { Construct, IConstruct } from "constructs";
import { dependable, IAspect, TerraformDataSource, TerraformResource, TerraformStack } from "cdktf";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";

/** The Google APIs a fresh project needs switched on for this backend. */
const APIS = [
  "compute.googleapis.com", "servicenetworking.googleapis.com", "sqladmin.googleapis.com", "run.googleapis.com",
  "secretmanager.googleapis.com", "iam.googleapis.com", "dns.googleapis.com", "storage.googleapis.com", "redis.googleapis.com",
  "storagetransfer.googleapis.com", "logging.googleapis.com",
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
];

/**
 * Enables the APIs. Left enabled on destroy: other things in the project may use them, and
 * disabling an API deletes what depends on it.
 */
export class ProjectApis extends Construct {
  readonly services: ProjectService[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.services = APIS.map((service) => new ProjectService(this, service.split(".")[0], { service, disableOnDestroy: false, disableDependentServices: false }));
  }
}

/**
 * Makes every Google resource and data source of the stack depend on the google_project_service that
 * enables its API: on a fresh project, a resource created (or a data source read) while its API is
 * still being switched on fails. An aspect, so no part (and no resource added later) can forget it; a
 * type without a known API, or whose API the stack does not enable, fails synth instead of failing a
 * first deploy. A data source whose API is still to be enabled is read during that apply.
 */
export class WaitForApis implements IAspect {
  private enabled?: Map<string, ProjectService>;
  private readonly done = new WeakSet<IConstruct>(); // a second synth visits again

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource || node instanceof TerraformDataSource) || node instanceof ProjectService || this.done.has(node)) return;
    const type = node.terraformResourceType;
    if (!type.startsWith("google_")) return;
    const api = API_OF_TYPE.find(([prefix]) => type.startsWith(prefix))?.[1];
    if (!api) throw new Error(`${node.node.path}: no Google API is known for ${type}; add the API it is made through to API_OF_TYPE in constructs/gcp/services.ts`);
    this.enabled ??= new Map(TerraformStack.of(node).node.findAll()
      .filter((c): c is ProjectService => c instanceof ProjectService)
      .map((s) => [s.serviceInput!, s]));
    const service = this.enabled.get(api);
    if (!service) throw new Error(`${node.node.path}: ${type} is made through ${api}, which no google_project_service in the stack enables; add it to APIS in constructs/gcp/services.ts`);
    node.dependsOn = [...(node.dependsOn ?? []), dependable(service)];
    this.done.add(node);
  }
}
