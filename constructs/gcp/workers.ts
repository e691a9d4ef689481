import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { CloudRunV2WorkerPool } from "@cdktf/provider-google/lib/cloud-run-v2-worker-pool";
import { GcpEnvironment } from "../../lib/environment";
import { GcpApp } from "./app";

/**
 * The app's workers as Cloud Run worker pools: always-on instances (`replicas` of them) that take no
 * requests and need no port, with the service's image, variables and way into the VPC.
 */
export class GcpWorkers extends Construct {
  constructor(scope: Construct, id: string, env: GcpEnvironment, app: GcpApp, after: readonly ITerraformDependable[]) {
    super(scope, id);
    for (const [worker, { command, replicas }] of Object.entries(env.workers)) {
      new CloudRunV2WorkerPool(this, worker, {
        name: `${env.name}-${worker}`,
        location: env.location,
        deletionProtection: false, // holds nothing
        labels: { environment: env.name },
        scaling: { scalingMode: "MANUAL", manualInstanceCount: replicas },
        template: {
          serviceAccount: app.serviceAccount,
          vpcAccess: app.vpcAccess,
          containers: [app.container(command, { cpu: env.service.cpu, memory: env.service.memory })],
        },
        dependsOn: [...app.readable, ...after],
      });
    }
  }
}
