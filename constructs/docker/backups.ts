import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { ContainerEnvironment } from "./environment";
import { BackupSettings, Backups, DatabaseEndpoint } from "../parts";
import { serviceContainer } from "./container";
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
}

const INTERVAL_SECONDS = { hourly: 3600, daily: 86_400, weekly: 604_800 } as const;
const PREFIX = "backups";

/**
 * A sidecar that streams `pg_dump` into the backup bucket on the environment's schedule and
 * deletes dumps older than its retention (never the newest). `npm run backup` / `npm run restore`
 * run its `backup now` / `backup restore` on demand.
 */
export class DockerBackups extends Construct implements Backups {
  readonly location: string;

  constructor(scope: Construct, id: string, env: ContainerEnvironment, deps: { net: DockerNetworks; db: DatabaseEndpoint; store: BackupStore }, settings: BackupSettings<ContainerEnvironment>) {
    super(scope, id);
    const { net, db, store } = deps;
    this.location = `s3://${store.bucket}/${PREFIX}/${store.where ? ` (${store.where})` : ""}`;
    serviceContainer(this, "container", env, {
      name: dockerNames(env).backup,
      image: dockerImage(this, "image", env.images.backup).imageId,
      alias: "backup",
      role: "backup",
      // A store elsewhere (Object Storage) is reached through the edge network, the internal one has no way out.
      networks: store.remote ? [net.internal, net.edge] : [net.internal],
      command: ["schedule"],
      env: [
        `PGHOST=${db.host}`, `PGPORT=${db.port}`, `PGUSER=${db.user}`, `PGPASSWORD=${db.password}`, `PGDATABASE=${db.database}`,
        ...store.clientEnv,
        `S3_BUCKET=${store.bucket}`,
        `BACKUP_PREFIX=${PREFIX}`,
        `BACKUP_RETENTION_DAYS=${settings.retentionDays}`,
        `BACKUP_INTERVAL_SECONDS=${INTERVAL_SECONDS[settings.schedule]}`,
      ],
      // It creates its bucket when it starts, once the store answers.
      dependsOn: [...store.after],
    });
  }
}
