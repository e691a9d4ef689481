import { Construct } from "constructs";
import { LoggingProjectBucketConfig } from "@cdktf/provider-google/lib/logging-project-bucket-config";
import { LoggingProjectSink } from "@cdktf/provider-google/lib/logging-project-sink";

/**
 * What the `_Default` sink routes: every log but the audit logs `_Required` keeps. Google's own filter of
 * the sink, written out because the provider sends the filter on every update of the sink: left out, it
 * would clear it, and the audit logs would be stored (and billed) a second time.
 */
export const DEFAULT_SINK_FILTER = [
  "cloudaudit.googleapis.com/activity", "externalaudit.googleapis.com/activity",
  "cloudaudit.googleapis.com/system_event", "externalaudit.googleapis.com/system_event",
  "cloudaudit.googleapis.com/access_transparency", "externalaudit.googleapis.com/access_transparency",
].map((log) => `NOT LOG_ID("${log}")`).join(" AND ");

export interface GcpLogRoutingProps {
  /** The project whose `_Default` sink is routed (the environment's). */
  readonly project: string;
  /** Where the logs are kept: a Cloud Logging region (the environment's location). */
  readonly location: string;
  /** The log bucket's id in the project (`<stack>-logs-<suffix>`: Google keeps a deleted one's id for 7 days). */
  readonly bucketId: string;
  /** How long the logs are kept, then deleted (`logs.retentionDays`, default 30). */
  readonly retentionDays: number;
  /**
   * Deletion protection of the log bucket: Terraform refuses to delete it.
   * @default true
   */
  readonly protect?: boolean;
}

/**
 * Keeps the project's logs in the environment's region. Cloud Run's request logs (client addresses,
 * paths, user agents), Cloud SQL's and everything else but the audit logs go through the project's
 * `_Default` sink into the `_Default` log bucket, which Google creates in `global`: this routes the sink
 * to a log bucket in the region instead. The `_Required` sink and bucket (admin activity and system
 * event audit logs, 400 days) cannot be changed or moved: they stay in `global`.
 *
 * The `_Default` sink exists in every project and cannot be deleted: the provider takes it over when
 * the resource is created and leaves it as it is when the resource is destroyed, so after a destroy it
 * still points at the (deleted) regional bucket until it is pointed back by hand (README). One GCP
 * environment per project: two stacks would route the same sink.
 */
export class GcpLogRouting extends Construct {
  readonly bucket: LoggingProjectBucketConfig;
  readonly sink: LoggingProjectSink;

  constructor(scope: Construct, id: string, props: GcpLogRoutingProps) {
    super(scope, id);
    this.bucket = new LoggingProjectBucketConfig(this, "bucket", {
      project: props.project,
      location: props.location,
      bucketId: props.bucketId,
      retentionDays: props.retentionDays,
      description: `The project's logs (the _Default sink), kept in ${props.location} for ${props.retentionDays} days`,
    });
    // The provider built here (deletion_policy since 7.33) refuses to destroy it; the prebuilt bindings predate the field.
    if (props.protect ?? true) this.bucket.addOverride("deletion_policy", "PREVENT");
    this.sink = new LoggingProjectSink(this, "default-sink", {
      project: props.project,
      name: "_Default",
      // Built from the bucket's own attributes: the residency check follows the location to the bucket's.
      destination: `logging.googleapis.com/projects/${props.project}/locations/${this.bucket.location}/buckets/${this.bucket.bucketId}`,
      filter: DEFAULT_SINK_FILTER,
      // A log bucket in the sink's own project needs no grant to the writer identity.
      uniqueWriterIdentity: true,
    });
  }
}
