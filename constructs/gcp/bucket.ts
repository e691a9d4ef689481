import { Construct } from "constructs";
import { StorageBucket, StorageBucketConfig } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { StorageHmacKey } from "@cdktf/provider-google/lib/storage-hmac-key";
import { GcpEnvironment } from "../../lib/environment";
import { BucketEndpoint, BucketSettings } from "../parts";
import { GcpAccessLogBucket } from "./access-logs";
import { GcpNetwork } from "./network";

/** How long replaced or deleted objects' old versions are kept when the environment sets no backups retention. */
const NONCURRENT_DAYS = 30;

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

/**
 * A GCS bucket in an EU location: uniform bucket-level access, public access prevention enforced,
 * versioning, and old versions deleted after the backups' retention (30 days without backups). The
 * service account may read and write its objects, nothing more; an HMAC key lets the app use the
 * S3-compatible XML API, so the same app runs on every target. With `accessLogs`, every request to it is
 * logged into that bucket.
 */
export class GcpBucket extends Construct implements BucketEndpoint {
  readonly bucket: StorageBucket;
  readonly name: string;
  readonly endpoint = "https://storage.googleapis.com";
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;

  constructor(scope: Construct, id: string, env: GcpEnvironment, net: GcpNetwork, settings: BucketSettings<GcpEnvironment>, accessLogs?: GcpAccessLogBucket) {
    super(scope, id);
    this.region = settings.location ?? env.location;
    const bucket = new StorageBucket(this, "bucket", {
      name: settings.name ?? `${env.project}-${env.name}-data`,
      location: this.region,
      ...privateBucket({ versioning: settings.versioning, noncurrentDays: env.backups?.retentionDays ?? NONCURRENT_DAYS }),
      forceDestroy: !env.protect,
      labels: { environment: env.name },
      // Log objects are named after this bucket (the default prefix).
      logging: accessLogs ? { logBucket: accessLogs.name } : undefined,
    });
    this.bucket = bucket;
    this.name = bucket.name;
    new StorageBucketIamMember(this, "runtime-access", { bucket: bucket.name, role: "roles/storage.objectUser", member: net.runtimeAccount.member });
    const hmac = new StorageHmacKey(this, "hmac", { serviceAccountEmail: net.runtimeAccount.email });
    this.accessKeyId = hmac.accessId;
    this.secretAccessKey = hmac.secret;
  }
}
