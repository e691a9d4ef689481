import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { CloudRunV2WorkerPool } from "@cdktf/provider-google/lib/cloud-run-v2-worker-pool";
import { GcpApp } from "./app";

/** A background process: the app's image and variables, another command. */
export interface GcpWorker {
  /** What it runs, in the app's image (`workers.<name>.command`). */
  readonly command: readonly string[];
  /**
   * How many instances run it, always on (`workers.<name>.replicas`).
   * @default 1
   */
  readonly replicas?: number;
}

export interface GcpWorkersProps {
  /** Prefix of the pools' names (`<name>-<worker>`): the environment's name. */
  readonly name: string;
  /** The pools' region. */
  readonly location: string;
  /** The image, variables, identity, size and way into the VPC the workers run with. */
  readonly app: GcpApp;
  /** The workers, by name (`workers`; a short DNS label): one worker pool each. */
  readonly workers: Readonly<Record<string, GcpWorker>>;
  /**
   * What a pool waits for besides the app's secrets: the release job, so that a new version's workers start after it ran.
   * @default none: the app's secrets only
   */
  readonly after?: readonly ITerraformDependable[];
  /**
   * Labels of the pools.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The app's workers as Cloud Run worker pools: always-on instances (`replicas` of them) that take no
 * requests and need no port, with the service's image, variables and way into the VPC.
 */
export class GcpWorkers extends Construct {
  constructor(scope: Construct, id: string, props: GcpWorkersProps) {
    super(scope, id);
    const { app } = props;
    for (const [worker, { command, replicas }] of Object.entries(props.workers)) {
      new CloudRunV2WorkerPool(this, worker, {
        name: `${props.name}-${worker}`,
        location: props.location,
        deletionProtection: false, // holds nothing
        labels: props.labels,
        scaling: { scalingMode: "MANUAL", manualInstanceCount: replicas ?? 1 },
        template: {
          serviceAccount: app.serviceAccount,
          vpcAccess: app.vpcAccess,
          containers: [app.container(command)],
        },
        dependsOn: [...app.readable, ...props.after ?? []],
      });
    }
  }
}
