import { Construct } from "constructs";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";

/** Who writes Cloud Storage's usage and storage logs into a log bucket (Google's own group, per the GCS docs). */
const STORAGE_ANALYTICS = "group:cloud-storage-analytics@google.com";

export interface GcpAccessLogBucketProps {
  /** The bucket's name (bucket names are global: `<project>-<stack>-access-logs`). */
  readonly name: string;
  /** Where the logs are kept: the environment's location, whatever the data bucket's. */
  readonly location: string;
  /** Log objects are deleted this many days after they were written (`logs.retentionDays`). */
  readonly retentionDays: number;
  /**
   * Keep the bucket's objects when the stack is destroyed (`protect`): a destroy fails while it holds any.
   * @default true
   */
  readonly protect?: boolean;
  /**
   * Labels of the bucket.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Where Cloud Storage writes a bucket's access logs (hourly usage logs: every request with the caller's
 * address, and daily storage logs): a bucket of its own, so that the app's account, which may use the
 * data bucket's objects, can neither read nor erase them. Private (uniform access, public access
 * prevention), unversioned, each object deleted after the retention: access logs are personal data too.
 * Only Google's storage analytics group may write to it.
 */
export class GcpAccessLogBucket extends Construct {
  readonly bucket: StorageBucket;
  /** What a bucket's `logging.log_bucket` names (a reference: the data bucket's logging waits for this bucket). */
  readonly name: string;

  constructor(scope: Construct, id: string, props: GcpAccessLogBucketProps) {
    super(scope, id);
    this.bucket = new StorageBucket(this, "bucket", {
      name: props.name,
      location: props.location,
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: false },
      lifecycleRule: [{ action: { type: "Delete" }, condition: { age: props.retentionDays } }],
      forceDestroy: !(props.protect ?? true),
      labels: props.labels,
    });
    new StorageBucketIamMember(this, "analytics-writes", { bucket: this.bucket.name, role: "roles/storage.objectCreator", member: STORAGE_ANALYTICS });
    this.name = this.bucket.name;
  }
}
