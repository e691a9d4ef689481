import { Construct } from "constructs";
import { Token } from "cdktf";
import { Password } from "@cdktf/provider-random/lib/password";
import { Server } from "../../.gen/providers/hcloud/server";
import { Volume } from "../../.gen/providers/hcloud/volume";
import { VolumeAttachment } from "../../.gen/providers/hcloud/volume-attachment";
import { HetznerEnvironment } from "../../lib/environment";
import { DatabaseEndpoint, DatabaseSettings } from "../parts";
import { CloudInit, systemdUnit } from "./cloud-init";
import { HetznerNetwork } from "./network";
import { DEFAULT_SERVER_TYPE, hetznerServer } from "./server";

const PORT = 5432;
const DATA_DIR = "/var/lib/postgresql";

/**
 * Postgres from Debian's packages on its own server: its data on a Hetzner volume (which outlives
 * the server), listening on the private address only, password logins only from the private subnet,
 * no public IPv4. Hetzner's server backups are on, but they copy the server's own disk (system and
 * configuration), not the volume: the data is backed up by the dumps of the backups part, for which
 * `cloudInit` is open.
 */
export class HetznerDatabase extends Construct implements DatabaseEndpoint {
  readonly host: string;
  readonly port = PORT;
  readonly database = "app";
  readonly user = "app";
  readonly password: string;
  readonly sslmode = "prefer"; // the private network is Hetzner's; Debian's Postgres offers TLS (snakeoil)
  readonly cloudInit = new CloudInit();
  readonly server: Server;

  constructor(scope: Construct, id: string, env: HetznerEnvironment, net: HetznerNetwork, settings: DatabaseSettings<HetznerEnvironment>) {
    super(scope, id);
    this.host = net.addresses.database;
    this.password = new Password(this, "password", { length: 32, special: false }).result;
    const volume = new Volume(this, "data", {
      name: `${env.name}-pgdata`, size: settings.storageGb, location: env.location, format: "ext4",
      deleteProtection: env.protect, labels: { environment: env.name },
    });
    const device = `/dev/disk/by-id/scsi-0HC_Volume_${volume.id}`;
    const major = settings.postgres;

    this.cloudInit.add({
      package_update: true,
      write_files: [
        { path: "/etc/portable-backend/database-password", content: this.password, permissions: "0600" },
        {
          // Postgres listens on the private address only, and Debian's unit starts it after network.target,
          // which can come before the private interface has its address: after a reboot it would fail to bind.
          // So it waits for network-online.target, and then (up to 2 minutes) for the address itself,
          // which network-online.target does not promise for every interface.
          path: "/etc/systemd/system/postgresql@.service.d/private-address.conf",
          content: systemdUnit({
            Unit: { Wants: "network-online.target", After: "network-online.target" },
            Service: { ExecStartPre: `/usr/bin/timeout 120 /bin/sh -c 'until ip -4 -o addr show to ${this.host} | grep -q .; do sleep 1; done'` },
          }),
        },
        {
          path: "/usr/local/sbin/setup-postgres", permissions: "0700",
          content: [
            "#!/bin/sh",
            "# Mounts the data volume, installs Postgres onto it, and opens it to the private subnet only.",
            "set -eu",
            `dev=${device}`,
            'for _ in $(seq 1 120); do [ -b "$dev" ] && break; sleep 5; done',
            `mkdir -p ${DATA_DIR}`,
            `grep -q "$dev" /etc/fstab || echo "$dev ${DATA_DIR} ext4 defaults,nofail,discard 0 2" >> /etc/fstab`,
            `mountpoint -q ${DATA_DIR} || mount ${DATA_DIR}`,
            `DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-${major}`,
            `conf=/etc/postgresql/${major}/main`,
            `printf "listen_addresses = '${this.host}'\\npassword_encryption = scram-sha-256\\n" > "$conf/conf.d/private-network.conf"`,
            `grep -q '^host app app ${net.addresses.subnet}' "$conf/pg_hba.conf" || echo 'host app app ${net.addresses.subnet} scram-sha-256' >> "$conf/pg_hba.conf"`,
            "systemctl daemon-reload # the unit drop-in above, written before Postgres was installed",
            `systemctl restart postgresql@${major}-main`,
            "pw=$(cat /etc/portable-backend/database-password)",
            `runuser -u postgres -- psql -v ON_ERROR_STOP=1 -v pw="$pw" <<'SQL'`,
            "SELECT 'CREATE ROLE app LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app')\\gexec",
            "ALTER ROLE app PASSWORD :'pw';",
            "SELECT 'CREATE DATABASE app OWNER app' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'app')\\gexec",
            "SQL",
            "",
          ].join("\n"),
        },
      ],
      runcmd: [["/usr/local/sbin/setup-postgres"]],
    });

    this.server = hetznerServer(this, "server", env, net, {
      name: `${env.name}-database`,
      serverType: settings.size ?? DEFAULT_SERVER_TYPE,
      privateIp: this.host,
      firewallId: Token.asNumber(net.databaseFirewall.id),
      cloudInit: this.cloudInit,
      publicIpv4: settings.publicIpv4,
      backups: true,
    });
    new VolumeAttachment(this, "attachment", {
      volumeId: Token.asNumber(volume.id), serverId: Token.asNumber(this.server.id), automount: false,
    });
  }
}
