import { Construct } from "constructs";
import { CloudRunV2Job } from "@cdktf/provider-google/lib/cloud-run-v2-job";
import { GcpEnvironment } from "../../lib/environment";
import { GcpApp } from "./app";

/**
 * The release command as a Cloud Run job that the deploy itself runs: its `run_execution_token`
 * changes with every release, and the provider then starts an execution and waits for it to succeed
 * (or fails the deploy). The service and the workers depend on it, so a new version takes no traffic
 * before the command has run, and a failed command leaves the previous version serving.
 */
export class GcpRelease extends Construct {
  readonly job: CloudRunV2Job;

  constructor(scope: Construct, id: string, env: GcpEnvironment, app: GcpApp, command: readonly string[]) {
    super(scope, id);
    this.job = new CloudRunV2Job(this, "job", {
      name: `${env.name}-release`,
      location: env.location,
      // Holds nothing: the next deploy recreates it.
      deletionProtection: false,
      labels: { environment: env.name },
      template: {
        taskCount: 1,
        template: {
          serviceAccount: app.serviceAccount,
          vpcAccess: app.vpcAccess,
          // A failed migration is not retried blindly: the deploy fails and says so.
          maxRetries: 0,
          timeout: "1800s",
          containers: [app.container(command, { cpu: env.service.cpu, memory: env.service.memory })],
        },
      },
      dependsOn: app.readable,
    });
    // Not in the bindings (generated for an older provider than the one built here).
    this.job.addOverride("run_execution_token", app.releaseToken(env));
  }
}
