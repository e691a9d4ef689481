import { Construct } from "constructs";
import { DockerEnvironment } from "../../lib/environment";
import { BackupSettings, Backups, DatabaseEndpoint } from "../parts";
import { serviceContainer } from "./container";
import { dockerImage } from "./image";
import { DockerNetworks } from "./network";
import { DockerObjectStore } from "./bucket";
import { dockerNames } from "./names";

const INTERVAL_SECONDS = { hourly: 3600, daily: 86_400, weekly: 604_800 } as const;
const PREFIX = "backups";

/**
 * A sidecar that streams `pg_dump` into the backup bucket on the environment's schedule and
 * deletes dumps older than its retention (never the newest). `npm run backup` / `npm run restore`
 * run its `backup now` / `backup restore` on demand.
 */
export class DockerBackups extends Construct implements Backups {
  readonly location: string;

  constructor(scope: Construct, id: string, env: DockerEnvironment, deps: { net: DockerNetworks; db: DatabaseEndpoint; store: DockerObjectStore }, settings: BackupSettings<DockerEnvironment>) {
    super(scope, id);
    const { net, db, store } = deps;
    if (!store.backupBucket) throw new Error("the object store has no backup bucket: the environment has no database");
    this.location = `s3://${store.backupBucket}/${PREFIX}/`;
    serviceContainer(this, "container", env, {
      name: dockerNames(env).backup,
      image: dockerImage(this, "image", env.images.backup).imageId,
      alias: "backup",
      role: "backup",
      networks: [net.internal],
      command: ["schedule"],
      env: [
        `PGHOST=${db.host}`, `PGPORT=${db.port}`, `PGUSER=${db.user}`, `PGPASSWORD=${db.password}`, `PGDATABASE=${db.database}`,
        ...store.clientEnv(),
        `S3_BUCKET=${store.backupBucket}`,
        `BACKUP_PREFIX=${PREFIX}`,
        `BACKUP_RETENTION_DAYS=${settings.retentionDays}`,
        `BACKUP_INTERVAL_SECONDS=${INTERVAL_SECONDS[settings.schedule]}`,
      ],
      // It creates its bucket when it starts, once the store answers.
      dependsOn: [store.container],
    });
  }
}
