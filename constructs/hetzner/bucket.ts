import { Construct } from "constructs";
import { TerraformVariable } from "cdktf";
import { Bucket } from "../../.gen/providers/s3/bucket";
import { S3Provider } from "../../.gen/providers/s3/provider";
import { hetznerObjectStorageEndpoint } from "../../lib/residency/hetzner";

/**
 * Which buckets to make, named before apply so that both of an environment's stacks agree on them (the
 * containers' stack is given the same props: HetznerHosts).
 */
export interface HetznerBucketsProps {
  /** The Object Storage location of the app's and the backups' buckets (fsn1, nbg1, hel1). */
  readonly location: string;
  /**
   * The app's bucket.
   * @default none
   */
  readonly dataBucket?: {
    readonly name: string;
    /**
     * Whether it keeps objects' earlier versions.
     * @default true
     */
    readonly versioning?: boolean;
  };
  /**
   * The name of the dumps' bucket.
   * @default none
   */
  readonly backupBucket?: string;
  /**
   * The off-site copies' bucket, in another Object Storage location than `location`.
   * @default none
   */
  readonly offsite?: { readonly bucket: string; readonly location: string };
}

/** Where Object Storage is in a location, as an S3 client reaches it. */
function objectStorageAt(location: string) {
  return { endpoint: hetznerObjectStorageEndpoint(location), region: location };
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
 * Buckets on Hetzner Object Storage, through the S3 API (the project's own `s3` provider,
 * providers/internal/s3), in the machines' stack: the app's bucket and the backups' bucket in `location`,
 * and the off-site copies' bucket in another location. None is ever emptied by Terraform (force_destroy
 * stays false): destroying a stack with data fails.
 */
export class HetznerBuckets extends Construct {
  readonly dataBucket?: string;
  readonly backupBucket?: string;
  readonly endpoint: string;
  readonly region: string;
  /** The off-site copies' bucket in another location. */
  readonly offsite?: { bucket: string; endpoint: string; region: string };

  constructor(scope: Construct, id: string, props: HetznerBucketsProps) {
    super(scope, id);
    const { endpoint, region } = objectStorageAt(props.location);
    this.endpoint = endpoint;
    this.region = region;
    this.dataBucket = props.dataBucket?.name;
    this.backupBucket = props.backupBucket;
    const offsite = props.offsite && { bucket: props.offsite.bucket, ...objectStorageAt(props.offsite.location) };
    this.offsite = offsite;
    const { accessKeyId, secretAccessKey } = objectStorageKeys(this);
    const provider = new S3Provider(this, "s3", { endpoint, region, accessKey: accessKeyId, secretKey: secretAccessKey });
    if (props.dataBucket) new Bucket(this, "data", { provider, bucket: props.dataBucket.name, versioning: props.dataBucket.versioning ?? true });
    // No expiry rule on the dumps: the backup sidecar deletes those past the retention but never the
    // newest, which a rule would, once backups had failed for that long.
    if (props.backupBucket) new Bucket(this, "backups", { provider, bucket: props.backupBucket });
    if (offsite) {
      // The same project's keys hold in every location.
      const there = new S3Provider(this, "s3-offsite", { alias: "offsite", endpoint: offsite.endpoint, region: offsite.region, accessKey: accessKeyId, secretKey: secretAccessKey });
      new Bucket(this, "offsite", { provider: there, bucket: offsite.bucket });
    }
  }
}

/** A secret the deployer supplies at plan time as TF_VAR_<name>; marked sensitive so plans never print it. */
function sensitiveVariable(scope: Construct, name: string, description: string): string {
  const variable = new TerraformVariable(scope, name, { type: "string", sensitive: true, description: `${description} (TF_VAR_${name})` });
  variable.overrideLogicalId(name);
  return variable.stringValue;
}
