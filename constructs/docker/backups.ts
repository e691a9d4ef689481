import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { ContainerEnvironment } from "./environment";
import { BackupSettings, Backups, DatabaseEndpoint } from "../parts";
import { healthcheck, serviceContainer } from "./container";
import { deployerSecret } from "../deployer-secrets";
import { hostBackups, SecretRef } from "../../lib/environment";
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
  /** What must exist before the sidecar starts (the Docker object store). */
  readonly after: readonly ITerraformDependable[];
  /** Said with the backup location, e.g. the endpoint. */
  readonly where?: string;
  /** The app's bucket on the same store, whose objects go off-site with the dumps. */
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
  /** Reference to the key every dump and off-site copy is encrypted with (rclone crypt). */
  readonly encryptionKey?: string;
  readonly offsite?: OffsiteStore;
}

/** The environment file's key and off-site store (`backups.encryptionKey`, `backups.offsite`), read from the deployer's variables. */
export function backupProtection(scope: Construct, env: ContainerEnvironment): BackupProtection {
  const backups = hostBackups(env);
  if (!backups) return {};
  const secrets = new Construct(scope, "backup-secrets");
  const read = (id: string, ref: SecretRef, field: string) => deployerSecret(secrets, id, ref, `${env.file}: backups.${field}`);
  const { offsite } = backups;
  return {
    encryptionKey: backups.encryptionKey && read("encryption-key", backups.encryptionKey, "encryptionKey"),
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

  constructor(scope: Construct, id: string, env: ContainerEnvironment, deps: { net: DockerNetworks; db: DatabaseEndpoint; store: BackupStore; protection: BackupProtection }, settings: BackupSettings<ContainerEnvironment>) {
    super(scope, id);
    const { net, db, store, protection: { encryptionKey, offsite } } = deps;
    const copy = offsite ? `; off-site: s3://${offsite.bucket}/ (${offsite.endpoint})` : "";
    this.location = `s3://${store.bucket}/${PREFIX}/${store.where ? ` (${store.where})` : ""}${copy}`;
    serviceContainer(this, "container", env, {
      name: dockerNames(env).backup,
      image: dockerImage(this, "image", env.images.backup).imageId,
      alias: "backup",
      role: "backup",
      // A store elsewhere (Object Storage, the off-site one) is reached through the edge network, the internal one has no way out.
      networks: store.remote || offsite ? [net.internal, net.edge] : [net.internal],
      command: ["schedule"],
      env: [
        `PGHOST=${db.host}`, `PGPORT=${db.port}`, `PGUSER=${db.user}`, `PGPASSWORD=${db.password}`, `PGDATABASE=${db.database}`,
        ...store.clientEnv,
        `S3_BUCKET=${store.bucket}`,
        `BACKUP_PREFIX=${PREFIX}`,
        `BACKUP_RETENTION_DAYS=${settings.retentionDays}`,
        `BACKUP_INTERVAL_SECONDS=${INTERVAL_SECONDS[settings.schedule]}`,
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
