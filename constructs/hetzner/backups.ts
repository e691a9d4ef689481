import { Construct } from "constructs";
import { HetznerEnvironment } from "../../lib/environment";
import { BackupSettings, Backups } from "../parts";
import { systemdUnit } from "./cloud-init";
import { HetznerBuckets, INCOMPLETE_PREFIX } from "./bucket";
import { HetznerDatabase } from "./database";

const ON_CALENDAR = { hourly: "hourly", daily: "*-*-* 03:15:00", weekly: "Sun *-*-* 03:15:00" } as const;

/**
 * A systemd timer on the database server streaming `pg_dump` to the backup bucket, whose lifecycle
 * rule expires dumps after the retention. These dumps are the database's only backup: Hetzner's
 * server backups (on for the database server) copy the server's own disk, not the volume the data
 * is on.
 */
export class HetznerBackups extends Construct implements Backups {
  readonly location: string;

  constructor(scope: Construct, id: string, _env: HetznerEnvironment, deps: { db: HetznerDatabase; bucket: HetznerBuckets }, settings: BackupSettings<HetznerEnvironment>) {
    super(scope, id);
    const { db, bucket } = deps;
    if (!bucket.backupBucket) throw new Error("the environment's buckets have no backup bucket: it has no database");
    this.location = `s3://${bucket.backupBucket}/backups/ (${bucket.endpoint})`;
    const rclone = [
      "RCLONE_CONFIG_STORE_TYPE=s3", "RCLONE_CONFIG_STORE_PROVIDER=Other",
      `RCLONE_CONFIG_STORE_ENDPOINT=${bucket.endpoint}`, `RCLONE_CONFIG_STORE_REGION=${bucket.region}`,
      `RCLONE_CONFIG_STORE_ACCESS_KEY_ID=${bucket.accessKeyId}`, `RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY=${bucket.secretAccessKey}`,
    ].join("\n");
    db.cloudInit.add({
      packages: ["rclone"],
      write_files: [
        { path: "/etc/portable-backend/backup.env", content: `${rclone}\n`, permissions: "0600" },
        {
          path: "/usr/local/sbin/pg-backup", permissions: "0700",
          content: [
            "#!/bin/bash",
            "# Streams a custom-format dump into the backup bucket (no plaintext copy on disk) under incomplete/,",
            "# and moves it under backups/ only once pg_dump and the upload have both succeeded: a dump cut short",
            "# never sits among the good ones, where a restore would take it for the newest.",
            "set -euo pipefail",
            'name="app-$(date -u +%Y%m%dT%H%M%SZ).dump"',
            `partial="store:${bucket.backupBucket}/${INCOMPLETE_PREFIX}$name"`,
            `trap 'rclone deletefile "$partial" 2>/dev/null || true' EXIT`,
            `runuser -u postgres -- pg_dump --format=custom ${db.database} | rclone rcat "$partial"`,
            `rclone moveto "$partial" "store:${bucket.backupBucket}/backups/$name"`,
            "trap - EXIT",
            'echo "uploaded backups/$name"',
            "",
          ].join("\n"),
        },
        {
          path: "/etc/systemd/system/pg-backup.service",
          content: systemdUnit({ Unit: { Description: "Dump Postgres to the backup bucket" }, Service: { Type: "oneshot", EnvironmentFile: "/etc/portable-backend/backup.env", ExecStart: "/usr/local/sbin/pg-backup" } }),
        },
        {
          path: "/etc/systemd/system/pg-backup.timer",
          content: systemdUnit({ Unit: { Description: "Scheduled Postgres dumps" }, Timer: { OnCalendar: ON_CALENDAR[settings.schedule], Persistent: "true", RandomizedDelaySec: "10m" }, Install: { WantedBy: "timers.target" } }),
        },
      ],
      runcmd: [["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", "pg-backup.timer"]],
    });
  }
}
