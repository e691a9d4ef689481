import { Construct } from "constructs";
import { SqlDatabase } from "@cdktf/provider-google/lib/sql-database";
import { SqlDatabaseInstance } from "@cdktf/provider-google/lib/sql-database-instance";
import { SqlUser } from "@cdktf/provider-google/lib/sql-user";
import { GcpEnvironment } from "../../lib/environment";
import { BackupSettings, DatabaseEndpoint, DatabaseSettings } from "../parts";
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

/**
 * Cloud SQL for PostgreSQL with a private IP only (no public address), TLS required, automated
 * daily backups with point-in-time recovery stored in the environment's region (or, with
 * `backups.offsite`, in that second location, so that they outlive the region), a Sunday-night
 * maintenance window, deletion protection (Terraform's and the API's) when `protect` is set, and the
 * logging of DATABASE_FLAGS.
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

  constructor(scope: Construct, id: string, env: GcpEnvironment, net: GcpNetwork, settings: DatabaseSettings<GcpEnvironment>, backups: BackupSettings<GcpEnvironment>) {
    super(scope, id);
    // Cloud SQL names its multi-regions in lower case (`eu`), where GCS and the environment file write `EU`.
    this.backupLocation = (backups.offsite?.location ?? env.location).toLowerCase();
    this.instance = new SqlDatabaseInstance(this, "instance", {
      name: `${env.name}-${net.suffix}`, // Google keeps a deleted instance's name for up to a week

      region: env.location,
      databaseVersion: `POSTGRES_${settings.postgres}`,
      deletionProtection: env.protect,
      settings: {
        tier: settings.size ?? "db-custom-1-3840",
        edition: "ENTERPRISE",
        availabilityType: settings.availability,
        diskSize: settings.storageGb,
        diskAutoresize: true,
        deletionProtectionEnabled: env.protect,
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
        userLabels: { environment: env.name },
      },
      dependsOn: [net.privateServiceAccess],
    });
    this.host = this.instance.privateIpAddress;
    // Never in the state or a plan (which CI plan identities read): generated for the run that creates the
    // user, sent to Cloud SQL and to Secret Manager write-only, in that same run (ephemeral.ts).
    this.password = ephemeralPassword(this, `${env.name.replace(/-/g, "_")}_database_password_${PASSWORD_ROTATION}`);
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
    regionalSecret(this, "database-password", env, this.password, []);
  }
}
