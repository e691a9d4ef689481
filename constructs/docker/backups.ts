import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Backups, DatabaseEndpoint } from "../parts";
import { healthcheck, serviceContainer } from "./container";
import { deployerSecret } from "../deployer-secrets";
import { OffsiteStoreSettings, SecretRef } from "../../lib/environment";
import { dockerImage } from "./image";
import { DockerNetworks } from "./network";
import { dockerNames } from "./names";

/** The S3 bucket dumps go to, and how an S3 client reaches it. */
export interface BackupStore {
  readonly bucket: string;
  /** S3_ENDPOINT, S3_REGION and the keys. */
  readonly clientEnv: readonly string[];
  /** Off the host (Object Storage): reached over the internet. */
  readonly remote: boolean;
  /** What must exist before the sidecar starts (the object store of DockerBuckets). */
  readonly after: readonly ITerraformDependable[];
  /**
   * Said with the backup location, e.g. the endpoint.
   * @default none: the bucket alone
   */
  readonly where?: string;
  /**
   * The app's bucket on the same store, whose objects go off-site with the dumps.
   * @default none: the dumps alone
   */
  readonly dataBucket?: string;
}

/** An S3 store off the host that every dump and the data bucket's objects are copied to, encrypted. */
export interface OffsiteStore {
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What the sidecar encrypts with, and where it copies to, beyond the backup bucket. */
export interface BackupProtection {
  /**
   * Reference to the key every dump and off-site copy is encrypted with (rclone crypt).
   * @default none: plain dumps
   */
  readonly encryptionKey?: string;
  /**
   * Where every dump and the data bucket's objects are copied to.
   * @default none: no off-site copy
   */
  readonly offsite?: OffsiteStore;
}

/** The key and off-site store an environment file names (`backups.encryptionKey`, `backups.offsite`: hostBackups). */
export interface BackupProtectionSettings {
  /** The environment file, named when a deployer's variable is missing. */
  readonly file: string;
  readonly encryptionKey?: SecretRef;
  readonly offsite?: OffsiteStoreSettings;
}

/** The environment file's key and off-site store, read from the deployer's variables. */
export function backupProtection(scope: Construct, settings: BackupProtectionSettings): BackupProtection {
  const { file, encryptionKey, offsite } = settings;
  if (!encryptionKey && !offsite) return {};
  const secrets = new Construct(scope, "backup-secrets");
  const read = (id: string, ref: SecretRef, field: string) => deployerSecret(secrets, id, ref, `${file}: backups.${field}`);
  return {
    encryptionKey: encryptionKey && read("encryption-key", encryptionKey, "encryptionKey"),
    offsite: offsite && {
      endpoint: offsite.endpoint,
      bucket: offsite.bucket,
      region: offsite.region ?? offsite.location,
      accessKeyId: read("offsite-access-key-id", offsite.accessKeyId, "offsite.accessKeyId"),
      secretAccessKey: read("offsite-secret-access-key", offsite.secretAccessKey, "offsite.secretAccessKey"),
    },
  };
}

const INTERVAL_SECONDS = { hourly: 3600, daily: 86_400, weekly: 604_800 } as const;
const PREFIX = "backups";

export interface DockerBackupsProps {
  /** Prefix of the sidecar's name (`<name>-backup`), and its ENVIRONMENT_LABEL: the environment's name. */
  readonly name: string;
  /** The backup image (`images.backup`, images/backup). */
  readonly image: string;
  /** The environment's networks (DockerNetworks): the sidecar joins the internal one, and the edge one to reach a store off the host. */
  readonly network: DockerNetworks;
  /** The database it dumps. */
  readonly db: DatabaseEndpoint;
  /** Where the dumps go. */
  readonly store: BackupStore;
  /**
   * Encryption and an off-site copy.
   * @default neither: plain dumps in `store` only
   */
  readonly protection?: BackupProtection;
  /** How long a dump is kept (`backups.retentionDays`); the newest is never deleted. */
  readonly retentionDays: number;
  /**
   * How often a dump is taken (`backups.schedule`).
   * @default "daily"
   */
  readonly schedule?: keyof typeof INTERVAL_SECONDS;
}

/**
 * A sidecar that streams `pg_dump` into the backup bucket on the environment's schedule, deletes dumps
 * older than its retention (never the newest), and restores each new dump into a scratch database to
 * prove it restores (a failure makes the container unhealthy and is recorded next to the dump). With a
 * key, dumps are encrypted before they leave it; with an off-site store, each dump and the data bucket's
 * objects are copied there too (images/backup/backup.sh). `npm run backup` / `npm run restore` run its
 * commands on demand.
 */
export class DockerBackups extends Construct implements Backups {
  readonly location: string;

  constructor(scope: Construct, id: string, props: DockerBackupsProps) {
    super(scope, id);
    const { name, network, db, store, protection: { encryptionKey, offsite } = {}, retentionDays, schedule = "daily" } = props;
    const copy = offsite ? `; off-site: s3://${offsite.bucket}/ (${offsite.endpoint})` : "";
    this.location = `s3://${store.bucket}/${PREFIX}/${store.where ? ` (${store.where})` : ""}${copy}`;
    serviceContainer(this, "container", {
      environment: name,
      name: dockerNames(name).backup,
      image: dockerImage(this, "image", props.image).imageId,
      alias: "backup",
      role: "backup",
      // A store elsewhere (Object Storage, the off-site one) is reached through the edge network, the internal one has no way out.
      networks: store.remote || offsite ? [network.internal, network.edge] : [network.internal],
      command: ["schedule"],
      env: [
        `PGHOST=${db.host}`, `PGPORT=${db.port}`, `PGUSER=${db.user}`, `PGPASSWORD=${db.password}`, `PGDATABASE=${db.database}`,
        ...store.clientEnv,
        `S3_BUCKET=${store.bucket}`,
        `BACKUP_PREFIX=${PREFIX}`,
        `BACKUP_RETENTION_DAYS=${retentionDays}`,
        `BACKUP_INTERVAL_SECONDS=${INTERVAL_SECONDS[schedule]}`,
        ...(encryptionKey ? [`BACKUP_ENCRYPTION_KEY=${encryptionKey}`] : []),
        ...(store.dataBucket ? [`DATA_BUCKET=${store.dataBucket}`] : []),
        ...(offsite ? [
          `OFFSITE_ENDPOINT=${offsite.endpoint}`, `OFFSITE_BUCKET=${offsite.bucket}`, `OFFSITE_REGION=${offsite.region}`,
          `OFFSITE_ACCESS_KEY_ID=${offsite.accessKeyId}`, `OFFSITE_SECRET_ACCESS_KEY=${offsite.secretAccessKey}`,
        ] : []),
      ],
      // Unhealthy once a scheduled backup, its off-site copy or its verification fails (`backup health`);
      // checked rarely (it reads a file) and not waited for: a deploy does not wait for a first backup.
      healthcheck: { ...healthcheck(["CMD", "backup", "health"]), interval: "30s" },
      wait: false,
      // It creates its bucket when it starts, once the store answers.
      dependsOn: [...store.after],
    });
  }
}
