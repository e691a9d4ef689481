import { Construct } from "constructs";
import { CloudRunV2Job } from "@cdktf/provider-google/lib/cloud-run-v2-job";
import { GcpApp } from "./app";

export interface GcpReleaseProps {
  /** Prefix of the job's name (`<name>-release`): the environment's name. */
  readonly name: string;
  /** The job's region. */
  readonly location: string;
  /** The image, variables, identity, size and way into the VPC the command runs with. */
  readonly app: GcpApp;
  /** The release command (migrations). */
  readonly command: readonly string[];
  /** Runs the command once for each value: GcpApp's releaseToken of what the release is made of. */
  readonly runToken: string;
  /**
   * Labels of the job.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The release command as a Cloud Run job that the deploy itself runs: its `run_execution_token`
 * changes with every release, and the provider then starts an execution and waits for it to succeed
 * (or fails the deploy). The service and the workers depend on it, so a new version takes no traffic
 * before the command has run, and a failed command leaves the previous version serving.
 */
export class GcpRelease extends Construct {
  readonly job: CloudRunV2Job;

  constructor(scope: Construct, id: string, props: GcpReleaseProps) {
    super(scope, id);
    const { app } = props;
    this.job = new CloudRunV2Job(this, "job", {
      name: `${props.name}-release`,
      location: props.location,
      // Holds nothing: the next deploy recreates it.
      deletionProtection: false,
      labels: props.labels,
      template: {
        taskCount: 1,
        template: {
          serviceAccount: app.serviceAccount,
          vpcAccess: app.vpcAccess,
          // A failed migration is not retried blindly: the deploy fails and says so.
          maxRetries: 0,
          timeout: "1800s",
          containers: [app.container(props.command)],
        },
      },
      dependsOn: app.readable,
    });
    // Not in the bindings (generated for an older provider than the one built here).
    this.job.addOverride("run_execution_token", props.runToken);
  }
}
