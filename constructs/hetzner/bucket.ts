import { Construct } from "constructs";
import { TerraformVariable } from "cdktf";
import { Bucket } from "../../.gen/providers/s3/bucket";
import { S3Provider } from "../../.gen/providers/s3/provider";
import { HetznerEnvironment, hostBackups } from "../../lib/environment";
import { hetzner, HETZNER_OBJECT_STORAGE_LOCATIONS, hetznerObjectStorageEndpoint } from "../../lib/residency/hetzner";
import { allowedLocations, RESIDENCY_POLICIES } from "../../lib/residency";

/** The environment's buckets and where they are: names known before apply, so both stacks agree on them. */
export function objectStorage(env: HetznerEnvironment) {
  const settings = env.bucket || undefined;
  const location = settings?.location ?? env.location;
  // The backup bucket is named after the app's, which is named after the environment by default.
  const name = settings?.name ?? `${env.name}-data`;
  const backups = hostBackups(env);
  return {
    ...objectStorageAt(location),
    /** The app's bucket, when the environment has one. */
    dataBucket: settings ? name : undefined,
    /** The dumps' bucket, when the environment has a database. */
    backupBucket: env.database && env.backups ? `${name}-backups` : undefined,
    /** The off-site copies' bucket in another location, unless the file names its own store or says `offsite: false`. */
    offsite: env.database && backups?.copiedOffsite && !backups.offsite ? { bucket: `${name}-offsite`, ...objectStorageAt(offsiteLocation(env, location)) } : undefined,
  };
}

function objectStorageAt(location: string) {
  return { endpoint: hetznerObjectStorageEndpoint(location), region: location };
}

/**
 * Where the off-site copies go by default: another Object Storage location than the buckets' (a fire in
 * one data centre must not take both), the farthest first, among those the residency policy allows.
 */
export function offsiteLocation(env: HetznerEnvironment, bucketLocation: string): string {
  const allowed = new Set(allowedLocations(RESIDENCY_POLICIES[env.residency], hetzner).map((l) => l.id));
  const preference: Record<string, readonly string[]> = { fsn1: ["hel1", "nbg1"], nbg1: ["hel1", "fsn1"], hel1: ["fsn1", "nbg1"] };
  const choice = (preference[bucketLocation] ?? HETZNER_OBJECT_STORAGE_LOCATIONS).find((l) => l !== bucketLocation && allowed.has(l));
  if (!choice) throw new Error(`${env.file}: no Hetzner Object Storage location other than ${bucketLocation} is allowed by the residency policy ${env.residency} for the off-site backups; name a store in backups.offsite, or set backups.offsite to false`);
  return choice;
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
 * environment says), with `bucket`, and the backups' bucket, with a database; and, unless the file names
 * its own off-site store, the off-site copies' bucket in another location. None is ever emptied by
 * Terraform (force_destroy stays false): destroying a stack with data fails.
 */
export class HetznerBuckets extends Construct {
  readonly dataBucket?: string;
  readonly backupBucket?: string;
  readonly endpoint: string;
  readonly region: string;
  /** The off-site copies' bucket in another location (ReturnType<typeof objectStorage>["offsite"]). */
  readonly offsite?: { bucket: string; endpoint: string; region: string };

  constructor(scope: Construct, id: string, env: HetznerEnvironment) {
    super(scope, id);
    const { endpoint, region, dataBucket, backupBucket, offsite } = objectStorage(env);
    this.endpoint = endpoint;
    this.region = region;
    this.dataBucket = dataBucket;
    this.backupBucket = backupBucket;
    this.offsite = offsite;
    const { accessKeyId, secretAccessKey } = objectStorageKeys(this);
    const provider = new S3Provider(this, "s3", { endpoint, region, accessKey: accessKeyId, secretKey: secretAccessKey });
    if (dataBucket && env.bucket) new Bucket(this, "data", { provider, bucket: dataBucket, versioning: env.bucket.versioning });
    // No expiry rule on the dumps: the backup sidecar deletes those past the retention but never the
    // newest, which a rule would, once backups had failed for that long.
    if (backupBucket) new Bucket(this, "backups", { provider, bucket: backupBucket });
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
