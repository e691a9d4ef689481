import { Construct } from "constructs";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";

/** The Google APIs a fresh project needs switched on for this backend. */
const APIS = [
  "compute.googleapis.com", "servicenetworking.googleapis.com", "sqladmin.googleapis.com", "run.googleapis.com",
  "secretmanager.googleapis.com", "iam.googleapis.com", "dns.googleapis.com", "storage.googleapis.com",
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
