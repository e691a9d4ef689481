import { Construct } from "constructs";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { StorageHmacKey } from "@cdktf/provider-google/lib/storage-hmac-key";
import { GcpEnvironment } from "../../lib/environment";
import { BucketEndpoint } from "../parts";
import { GcpNetwork } from "./network";

/**
 * A GCS bucket in an EU location: uniform bucket-level access, public access prevention enforced,
 * versioning, and old versions deleted after the retention. The service account may read and write
 * its objects, nothing more; an HMAC key lets the app use the S3-compatible XML API, so the same app
 * runs on every target.
 */
export class GcpBucket extends Construct implements BucketEndpoint {
  readonly name: string;
  readonly endpoint = "https://storage.googleapis.com";
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;

  constructor(scope: Construct, id: string, env: GcpEnvironment, net: GcpNetwork) {
    super(scope, id);
    this.region = env.bucket.location ?? env.location;
    const bucket = new StorageBucket(this, "bucket", {
      name: env.bucket.name ?? `${env.project}-${env.name}-data`,
      location: this.region,
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: env.bucket.versioning },
      lifecycleRule: [{ action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: env.backups.retentionDays, withState: "ARCHIVED" } }],
      forceDestroy: !env.protect,
      labels: { environment: env.name },
    });
    this.name = bucket.name;
    new StorageBucketIamMember(this, "runtime-access", { bucket: bucket.name, role: "roles/storage.objectUser", member: net.runtimeAccount.member });
    const hmac = new StorageHmacKey(this, "hmac", { serviceAccountEmail: net.runtimeAccount.email });
    this.accessKeyId = hmac.accessId;
    this.secretAccessKey = hmac.secret;
  }
}
