import { Construct } from "constructs";
import { StorageBucket, StorageBucketConfig } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { StorageHmacKey } from "@cdktf/provider-google/lib/storage-hmac-key";
import { BucketEndpoint } from "../parts";
import { GcpAccessLogBucket } from "./access-logs";

/** How long a bucket name may be (without dots). */
const MAX_NAME = 63;

/** `<base><suffix>` (a related bucket's name: `-offsite`, `-access-logs`), `base` shortened so that it fits in 63 characters. */
export function suffixedBucketName(base: string, suffix: string): string {
  return `${base.slice(0, MAX_NAME - suffix.length).replace(/[-.]+$/, "")}${suffix}`;
}

/** What every bucket of the app's objects has (the data bucket, its off-site copy): no ACLs, never public, old versions kept `noncurrentDays`. */
export function privateBucket(opts: { versioning: boolean; noncurrentDays: number }) {
  return {
    uniformBucketLevelAccess: true,
    publicAccessPrevention: "enforced",
    versioning: { enabled: opts.versioning },
    lifecycleRule: [{ action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: opts.noncurrentDays, withState: "ARCHIVED" } }],
  } satisfies Partial<StorageBucketConfig>;
}

export interface GcpDataBucketProps {
  /** The bucket's name; bucket names are global (`<project>-<stack>-data`). */
  readonly name: string;
  /** A GCS region or multi-region (`EU`). Also the app's S3_REGION. */
  readonly location: string;
  /** The identity that may read and write the objects (not administer the bucket), and owns the HMAC key the app signs with. */
  readonly runtimeAccount: { readonly email: string; readonly member: string };
  /**
   * Keep replaced and deleted objects' old versions (for `noncurrentDays`).
   * @default true
   */
  readonly versioning?: boolean;
  /**
   * How many days an old version is kept, then deleted (`backups.retentionDays`).
   * @default 30
   */
  readonly noncurrentDays?: number;
  /**
   * Where every request to the bucket is logged.
   * @default none: no access logs
   */
  readonly accessLogs?: GcpAccessLogBucket;
  /**
   * Keep the bucket when the stack is destroyed: a destroy fails while it holds objects.
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
 * The app's bucket (the data bucket), in GCS: uniform bucket-level access, public access prevention
 * enforced, versioning, and old versions deleted after `noncurrentDays`. The runtime account may read
 * and write its objects, nothing more; an HMAC key lets the app use the S3-compatible XML API, so the
 * same app runs on every target. With `accessLogs`, every request to it is logged into that bucket.
 */
export class GcpDataBucket extends Construct implements BucketEndpoint {
  readonly bucket: StorageBucket;
  readonly name: string;
  readonly endpoint = "https://storage.googleapis.com";
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;

  constructor(scope: Construct, id: string, props: GcpDataBucketProps) {
    super(scope, id);
    const { accessLogs, runtimeAccount } = props;
    this.region = props.location;
    const bucket = new StorageBucket(this, "bucket", {
      name: props.name,
      location: this.region,
      ...privateBucket({ versioning: props.versioning ?? true, noncurrentDays: props.noncurrentDays ?? 30 }),
      forceDestroy: !(props.protect ?? true),
      labels: props.labels,
      // Log objects are named after this bucket (the default prefix).
      logging: accessLogs ? { logBucket: accessLogs.name } : undefined,
    });
    this.bucket = bucket;
    this.name = bucket.name;
    new StorageBucketIamMember(this, "runtime-access", { bucket: bucket.name, role: "roles/storage.objectUser", member: runtimeAccount.member });
    const hmac = new StorageHmacKey(this, "hmac", { serviceAccountEmail: runtimeAccount.email });
    this.accessKeyId = hmac.accessId;
    this.secretAccessKey = hmac.secret;
  }
}
