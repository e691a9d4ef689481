import { Construct } from "constructs";
import { TerraformVariable } from "cdktf";
import { IlmPolicy } from "../../.gen/providers/minio/ilm-policy";
import { MinioProvider } from "../../.gen/providers/minio/provider";
import { S3Bucket } from "../../.gen/providers/minio/s3-bucket";
import { S3BucketVersioning } from "../../.gen/providers/minio/s3-bucket-versioning";
import { HetznerEnvironment } from "../../lib/environment";
import { hetznerObjectStorageEndpoint } from "../../lib/residency/hetzner";
import { BucketEndpoint } from "../parts";

/** Where a dump is uploaded until it is known good (the backups part), and expired from if left over. */
export const INCOMPLETE_PREFIX = "incomplete/";

/**
 * Buckets on Hetzner Object Storage in the environment's location, through the S3 API (minio
 * provider): the app's bucket (versioned as the environment says), with `bucket`, and a backup bucket
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
    const provider = new MinioProvider(this, "minio", {
      minioServer: new URL(this.endpoint).host,
      minioRegion: location,
      minioSsl: true,
      minioUser: this.accessKeyId,
      minioPassword: this.secretAccessKey,
    });

    // The backup bucket is named after the app's, which is named after the environment by default.
    const name = settings?.name ?? `${env.name}-data`;
    if (settings) {
      this.dataBucket = name;
      const data = new S3Bucket(this, "data", { provider, bucket: name, acl: "private", forceDestroy: false });
      if (settings.versioning) {
        new S3BucketVersioning(this, "data-versioning", { provider, bucket: data.bucket, versioningConfiguration: { status: "Enabled" } });
      }
    }
    if (env.database && env.backups) {
      this.backupBucket = `${name}-backups`;
      const backups = new S3Bucket(this, "backups", { provider, bucket: this.backupBucket, acl: "private", forceDestroy: false });
      new IlmPolicy(this, "backup-retention", {
        provider, bucket: backups.bucket,
        rule: [
          { id: "expire-old-dumps", status: "Enabled", expiration: `${env.backups.retentionDays}d`, filter: "backups/" },
          // Left only when the machine stopped mid-dump: the backup script deletes its own failed uploads.
          { id: "expire-incomplete-dumps", status: "Enabled", expiration: "1d", filter: INCOMPLETE_PREFIX },
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
