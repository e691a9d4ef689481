import { Construct } from "constructs";
import { TerraformVariable } from "cdktf";
import { Bucket } from "../../.gen/providers/s3/bucket";
import { S3Provider } from "../../.gen/providers/s3/provider";
import { HetznerEnvironment } from "../../lib/environment";
import { hetznerObjectStorageEndpoint } from "../../lib/residency/hetzner";

/** The environment's buckets and where they are: names known before apply, so both stacks agree on them. */
export function objectStorage(env: HetznerEnvironment) {
  const settings = env.bucket || undefined;
  const location = settings?.location ?? env.location;
  // The backup bucket is named after the app's, which is named after the environment by default.
  const name = settings?.name ?? `${env.name}-data`;
  return {
    endpoint: hetznerObjectStorageEndpoint(location),
    region: location,
    /** The app's bucket, when the environment has one. */
    dataBucket: settings ? name : undefined,
    /** The dumps' bucket, when the environment has a database. */
    backupBucket: env.database && env.backups ? `${name}-backups` : undefined,
  };
}

/**
 * The Object Storage keys, which both of a Hetzner environment's stacks are given: they are made in the
 * Hetzner console (there is no API for them) and passed as TF_VAR_object_storage_access_key / _secret_key.
 */
export function objectStorageKeys(scope: Construct) {
  return {
    accessKeyId: sensitiveVariable(scope, "object_storage_access_key", "Hetzner Object Storage access key"),
    secretAccessKey: sensitiveVariable(scope, "object_storage_secret_key", "Hetzner Object Storage secret key"),
  };
}

/**
 * Buckets on Hetzner Object Storage in the environment's location, through the S3 API (the project's
 * own `s3` provider, providers/internal/s3), in the machines' stack: the app's bucket (versioned as the
 * environment says), with `bucket`, and the backups' bucket, with a database. Neither is ever emptied by Terraform (force_destroy
 * stays false): destroying a stack with data fails.
 */
export class HetznerBuckets extends Construct {
  readonly dataBucket?: string;
  readonly backupBucket?: string;
  readonly endpoint: string;
  readonly region: string;

  constructor(scope: Construct, id: string, env: HetznerEnvironment) {
    super(scope, id);
    const { endpoint, region, dataBucket, backupBucket } = objectStorage(env);
    this.endpoint = endpoint;
    this.region = region;
    this.dataBucket = dataBucket;
    this.backupBucket = backupBucket;
    const { accessKeyId, secretAccessKey } = objectStorageKeys(this);
    const provider = new S3Provider(this, "s3", { endpoint, region, accessKey: accessKeyId, secretKey: secretAccessKey });
    if (dataBucket && env.bucket) new Bucket(this, "data", { provider, bucket: dataBucket, versioning: env.bucket.versioning });
    // No expiry rule on the dumps: the backup sidecar deletes those past the retention but never the
    // newest, which a rule would, once backups had failed for that long.
    if (backupBucket) new Bucket(this, "backups", { provider, bucket: backupBucket });
  }
}

/** A secret the deployer supplies at plan time as TF_VAR_<name>; marked sensitive so plans never print it. */
function sensitiveVariable(scope: Construct, name: string, description: string): string {
  const variable = new TerraformVariable(scope, name, { type: "string", sensitive: true, description: `${description} (TF_VAR_${name})` });
  variable.overrideLogicalId(name);
  return variable.stringValue;
}
