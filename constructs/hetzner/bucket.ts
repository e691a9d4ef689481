import { Construct } from "constructs";
import { TerraformVariable } from "cdktf";
import { Bucket } from "../../.gen/providers/s3/bucket";
import { S3Provider } from "../../.gen/providers/s3/provider";
import { HetznerEnvironment } from "../../lib/environment";
import { hetznerObjectStorageEndpoint } from "../../lib/residency/hetzner";
import { BucketEndpoint } from "../parts";

/** Where a dump is uploaded until it is known good (the backups part), and expired from if left over. */
export const INCOMPLETE_PREFIX = "incomplete/";

/**
 * Buckets on Hetzner Object Storage in the environment's location, through the S3 API (the project's
 * own `s3` provider, providers/internal/s3): the app's bucket (versioned as the environment says), with `bucket`, and a backup bucket
 * whose dumps expire after the retention (dumps left incomplete, after a day), with a database. One
 * per environment, made when a part first asks for it. Object Storage keys are made in
 * the Hetzner console (there is no API for them) and given to Terraform as
 * TF_VAR_object_storage_access_key / _secret_key.
 */
export class HetznerBuckets extends Construct {
  /** The app's bucket, when the environment has one. */
  readonly dataBucket?: string;
  /** The dumps' bucket, when the environment has a database. */
  readonly backupBucket?: string;
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;

  /** The environment's buckets in `scope` (the backend), made on first use. */
  static of(scope: Construct, env: HetznerEnvironment): HetznerBuckets {
    const existing = scope.node.tryFindChild("bucket");
    return existing instanceof HetznerBuckets ? existing : new HetznerBuckets(scope, "bucket", env);
  }

  private constructor(scope: Construct, id: string, env: HetznerEnvironment) {
    super(scope, id);
    const settings = env.bucket || undefined;
    const location = settings?.location ?? env.location;
    this.endpoint = hetznerObjectStorageEndpoint(location);
    this.region = location;
    this.accessKeyId = sensitiveVariable(this, "object_storage_access_key", "Hetzner Object Storage access key");
    this.secretAccessKey = sensitiveVariable(this, "object_storage_secret_key", "Hetzner Object Storage secret key");
    const provider = new S3Provider(this, "s3", {
      endpoint: this.endpoint,
      region: location,
      accessKey: this.accessKeyId,
      secretKey: this.secretAccessKey,
    });

    // The backup bucket is named after the app's, which is named after the environment by default.
    // Neither is ever emptied by Terraform (force_destroy stays false): destroying a stack with data fails.
    const name = settings?.name ?? `${env.name}-data`;
    if (settings) {
      this.dataBucket = name;
      new Bucket(this, "data", { provider, bucket: name, versioning: settings.versioning });
    }
    if (env.database && env.backups) {
      this.backupBucket = `${name}-backups`;
      new Bucket(this, "backups", {
        provider, bucket: this.backupBucket,
        // Sorted by id, as the provider reads them back.
        expiration: [
          { id: "expire-incomplete-dumps", prefix: INCOMPLETE_PREFIX, days: 1 },
          { id: "expire-old-dumps", prefix: "backups/", days: env.backups.retentionDays },
        ],
      });
    }
  }

  /** The app's bucket as the app reaches it. */
  bucket(): BucketEndpoint {
    if (!this.dataBucket) throw new Error("this environment has no bucket (bucket: false)");
    const { endpoint, region, accessKeyId, secretAccessKey } = this;
    return { name: this.dataBucket, endpoint, region, accessKeyId, secretAccessKey };
  }
}

/** A secret the deployer supplies at plan time as TF_VAR_<name>; marked sensitive so plans never print it. */
function sensitiveVariable(scope: Construct, name: string, description: string): string {
  const variable = new TerraformVariable(scope, name, { type: "string", sensitive: true, description: `${description} (TF_VAR_${name})` });
  variable.overrideLogicalId(name);
  return variable.stringValue;
}
