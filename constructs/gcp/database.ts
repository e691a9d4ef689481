import { Construct } from "constructs";
import { SqlDatabase } from "@cdktf/provider-google/lib/sql-database";
import { SqlDatabaseInstance } from "@cdktf/provider-google/lib/sql-database-instance";
import { SqlUser } from "@cdktf/provider-google/lib/sql-user";
import { DEFAULT_POSTGRES_MAJOR, POSTGRES_MAJORS } from "../../lib/environment";
import { DatabaseEndpoint } from "../parts";
import { GcpNetwork } from "./network";
import { ephemeralPassword } from "./ephemeral";
import { regionalSecret } from "./secret";

/**
 * What Postgres logs (to Cloud Logging, so into the environment's regional log bucket): every connection
 * and its end (who, from where, for how long), waits on locks longer than the deadlock timeout, and
 * checkpoints; warnings and errors. Never a statement: statements carry the personal data they read and
 * write (`WHERE email = '…'`, an INSERT's values), so `log_statement` and `log_min_duration_statement`
 * stay off (Cloud SQL's default), and `log_min_error_statement` is at its strictest, `panic`: at `error` an
 * error's or a lock wait's message would come with the statement that caused it. An error still says what
 * went wrong (`duplicate key value violates unique constraint …`); the app's own logs say which request.
 */
export const DATABASE_FLAGS = [
  { name: "log_connections", value: "on" },
  { name: "log_disconnections", value: "on" },
  { name: "log_lock_waits", value: "on" },
  { name: "log_checkpoints", value: "on" },
  { name: "log_min_messages", value: "warning" },
  { name: "log_min_error_statement", value: "panic" },
];

/** Raise to rotate the app user's password: the next deploy sets a new one and rewrites the secrets holding it. */
const PASSWORD_ROTATION = 1;

export interface GcpDatabaseProps {
  /** Prefix of the instance's and its secret's names: the environment's name. */
  readonly name: string;
  /** The instance's region. */
  readonly location: string;
  /** The VPC the instance gets its private address in (over its private service access). */
  readonly network: GcpNetwork;
  /**
   * The Postgres major (`database.postgres`).
   * @default DEFAULT_POSTGRES_MAJOR (17)
   */
  readonly postgres?: (typeof POSTGRES_MAJORS)[number];
  /**
   * The Cloud SQL machine tier.
   * @default "db-custom-1-3840" (1 vCPU, 3.75 GB)
   */
  readonly tier?: string;
  /**
   * The disk's initial size in GB (`database.storageGb`); it grows by itself when nearly full.
   * @default 10
   */
  readonly storageGb?: number;
  /**
   * REGIONAL keeps a standby in a second zone of the region.
   * @default "ZONAL"
   */
  readonly availability?: "ZONAL" | "REGIONAL";
  /** The automated daily backups, with point-in-time recovery. */
  readonly backups: GcpDatabaseBackups;
  /**
   * Deletion protection of the instance: Terraform's and the API's.
   * @default true
   */
  readonly protect?: boolean;
  /**
   * Labels of the instance and its secret.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface GcpDatabaseBackups {
  /** How many daily backups are kept (and up to 7 days of the transaction log, for point-in-time recovery). */
  readonly retentionDays: number;
  /**
   * Where they are stored: a region or multi-region (`EU`) other than the instance's, so that they outlive it.
   * @default the instance's location
   */
  readonly location?: string;
}

/**
 * Cloud SQL for PostgreSQL with a private IP only (no public address), TLS required, automated
 * daily backups with point-in-time recovery stored in the instance's region (or in a second location,
 * so that they outlive the region), a Sunday-night maintenance window, deletion protection (Terraform's
 * and the API's) unless `protect` is false, and the logging of DATABASE_FLAGS.
 */
export class GcpDatabase extends Construct implements DatabaseEndpoint {
  readonly host: string;
  readonly port = 5432;
  readonly database = "app";
  readonly user = "app";
  readonly password: string;
  readonly sslmode = "require"; // Cloud SQL takes encrypted connections only (ENCRYPTED_ONLY below)
  readonly instance: SqlDatabaseInstance;
  /** Where the automated backups are stored: a region, or a multi-region as Cloud SQL spells it (`eu`). */
  readonly backupLocation: string;

  constructor(scope: Construct, id: string, props: GcpDatabaseProps) {
    super(scope, id);
    const { name, network: net, backups } = props;
    const protect = props.protect ?? true;
    // Cloud SQL names its multi-regions in lower case (`eu`), where GCS and the environment file write `EU`.
    this.backupLocation = (backups.location ?? props.location).toLowerCase();
    this.instance = new SqlDatabaseInstance(this, "instance", {
      name: `${name}-${net.suffix}`, // Google keeps a deleted instance's name for up to a week

      region: props.location,
      databaseVersion: `POSTGRES_${props.postgres ?? DEFAULT_POSTGRES_MAJOR}`,
      deletionProtection: protect,
      settings: {
        tier: props.tier ?? "db-custom-1-3840",
        edition: "ENTERPRISE",
        availabilityType: props.availability ?? "ZONAL",
        diskSize: props.storageGb ?? 10,
        diskAutoresize: true,
        deletionProtectionEnabled: protect,
        ipConfiguration: { ipv4Enabled: false, privateNetwork: net.network.id, sslMode: "ENCRYPTED_ONLY" },
        backupConfiguration: {
          enabled: true,
          pointInTimeRecoveryEnabled: true,
          location: this.backupLocation,
          startTime: "02:00",
          transactionLogRetentionDays: Math.min(7, backups.retentionDays),
          backupRetentionSettings: { retainedBackups: backups.retentionDays, retentionUnit: "COUNT" },
        },
        maintenanceWindow: { day: 7, hour: 3, updateTrack: "stable" },
        databaseFlags: DATABASE_FLAGS,
        userLabels: props.labels,
      },
      dependsOn: [net.privateServiceAccess],
    });
    this.host = this.instance.privateIpAddress;
    // Never in the state or a plan (which CI plan identities read): generated for the run that creates the
    // user, sent to Cloud SQL and to Secret Manager write-only, in that same run (ephemeral.ts).
    this.password = ephemeralPassword(this, `${name.replace(/-/g, "_")}_database_password_${PASSWORD_ROTATION}`);
    // Both are destroyed with the instance. On their own, deleting them through the API fails: a database with
    // open connections, and a Postgres user that owns objects or holds grants (the app's tables). ABANDON
    // drops them from the state only, so a destroy (or a renamed user) does not stop there.
    new SqlDatabase(this, "database", { name: this.database, instance: this.instance.name, deletionPolicy: "ABANDON" });
    // The password is sent when the user is created (a new instance makes a new user) and when the rotation
    // number changes; the secrets holding it are written again in the same run (their versions follow the
    // password's name: ephemeral.ts, writeOnlyVersion).
    new SqlUser(this, "user", {
      name: this.user, instance: this.instance.name, passwordWo: this.password, passwordWoVersion: PASSWORD_ROTATION, deletionPolicy: "ABANDON",
    });
    // The password itself, for operators; the service reads the connection URL secret instead.
    regionalSecret(this, "database-password", { name, location: props.location, value: this.password, labels: props.labels });
  }
}
