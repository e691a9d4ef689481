import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { SecretManagerSecretVersion } from "@cdktf/provider-google/lib/secret-manager-secret-version";
import { SqlDatabase } from "@cdktf/provider-google/lib/sql-database";
import { SqlDatabaseInstance } from "@cdktf/provider-google/lib/sql-database-instance";
import { SqlUser } from "@cdktf/provider-google/lib/sql-user";
import { DATABASE_FLAGS, GcpDatabase, GcpDatabaseProps } from "../../../constructs/gcp/database";
import { databaseUrl } from "../../../constructs/parts";
import { testNetwork } from "../../support/gcp-parts";
import { bareStack, onlyResource, referenceTo, resourcesOf, synthesize } from "../../support/synthesized";

// GcpDatabase alone: Cloud SQL for PostgreSQL on the network's private address only, its backups, its
// protection, and a password that is in no state, plan or synthesized file.
function build(props: Partial<Omit<GcpDatabaseProps, "network">> = {}) {
  const stack = bareStack();
  const network = testNetwork(stack);
  const db = new GcpDatabase(stack, "database", { name: "shop", location: "europe-west3", network, backups: { retentionDays: 14 }, ...props });
  return { db, ...synthesize(stack, { host: db.host, url: databaseUrl(db) }) };
}
const instance = (json: string) => onlyResource(json, "google_sql_database_instance")[1];

describe("left to its defaults", () => {
  const { db, json, values } = build();

  test("Postgres 17 on a 1 vCPU tier with 10 GB that grows, in one zone of the location, named with the network's suffix", () => {
    expect(json).toHaveResourceWithProperties(SqlDatabaseInstance, {
      name: `shop-${referenceTo(json, "random_id", "hex")}`, region: "europe-west3", database_version: "POSTGRES_17",
      settings: expect.objectContaining({ tier: "db-custom-1-3840", edition: "ENTERPRISE", availability_type: "ZONAL", disk_size: 10, disk_autoresize: true }),
    });
  });

  test("protected: Terraform's deletion protection and the API's", () => {
    expect(instance(json)).toMatchObject({ deletion_protection: true, settings: { deletion_protection_enabled: true } });
  });

  test("a private address on the network only, over its private service access, TLS required", () => {
    expect(instance(json).settings.ip_configuration).toEqual({ ipv4_enabled: false, private_network: referenceTo(json, "google_compute_network", "id"), ssl_mode: "ENCRYPTED_ONLY" });
    expect(instance(json).depends_on).toEqual([`google_service_networking_connection.${onlyResource(json, "google_service_networking_connection")[0]}`]);
    expect(values.host).toBe(referenceTo(json, "google_sql_database_instance", "private_ip_address"));
    expect(db).toMatchObject({ port: 5432, database: "app", user: "app", sslmode: "require" });
  });

  test("daily backups with point-in-time recovery, kept retentionDays, stored in the instance's location", () => {
    expect(instance(json).settings.backup_configuration).toEqual({
      enabled: true, point_in_time_recovery_enabled: true, location: "europe-west3", start_time: "02:00",
      transaction_log_retention_days: 7, backup_retention_settings: { retained_backups: 14, retention_unit: "COUNT" },
    });
    expect(db.backupLocation).toBe("europe-west3");
  });

  test("connections, lock waits and checkpoints are logged, never a statement; maintenance on Sunday night; no labels", () => {
    expect(instance(json).settings).toMatchObject({ database_flags: DATABASE_FLAGS, maintenance_window: { day: 7, hour: 3, update_track: "stable" } });
    expect(DATABASE_FLAGS.map((f) => f.name)).not.toContain("log_statement");
    expect(instance(json).settings.user_labels).toBeUndefined();
  });

  test("the database and the user app, dropped from the state only when the instance goes", () => {
    expect(json).toHaveResourceWithProperties(SqlDatabase, { name: "app", deletion_policy: "ABANDON" });
    expect(json).toHaveResourceWithProperties(SqlUser, { name: "app", deletion_policy: "ABANDON", password_wo_version: 1 });
  });

  test("the password is an ephemeral value, sent write-only to the user and to a regional secret no one is granted", () => {
    const parsed = JSON.parse(json);
    expect(parsed.ephemeral.random_password).toEqual({ shop_database_password_1: { length: 32, special: false } });
    expect(db.password).toBe("${ephemeral.random_password.shop_database_password_1.result}");
    expect(json).toHaveResourceWithProperties(SqlUser, { password_wo: db.password });
    expect(json).toHaveResourceWithProperties(SecretManagerSecret, { secret_id: "shop-database-password", replication: { user_managed: { replicas: [{ location: "europe-west3" }] } } });
    expect(json).toHaveResourceWithProperties(SecretManagerSecretVersion, { secret_data_wo: db.password });
    expect(json).not.toMatch(/"secret_data"|"password":/);
    expect(resourcesOf(json, "google_secret_manager_secret_iam_member")).toEqual([]);
    const host = referenceTo(json, "google_sql_database_instance", "private_ip_address");
    expect(values.url).toBe(`postgres://app:\${ephemeral.random_password.shop_database_password_1.result}@${host}:5432/app?sslmode=require`);
  });
});

test("its settings: the major, the tier, the disk, a standby in a second zone, labels", () => {
  const { json } = build({ postgres: 15, tier: "db-custom-2-7680", storageGb: 50, availability: "REGIONAL", labels: { environment: "shop" } });
  expect(json).toHaveResourceWithProperties(SqlDatabaseInstance, {
    database_version: "POSTGRES_15",
    settings: expect.objectContaining({ tier: "db-custom-2-7680", disk_size: 50, availability_type: "REGIONAL", user_labels: { environment: "shop" } }),
  });
  expect(json).toHaveResourceWithProperties(SecretManagerSecret, { labels: { environment: "shop" } });
});

test("protect: false lets the instance be deleted", () => {
  expect(instance(build({ protect: false }).json)).toMatchObject({ deletion_protection: false, settings: { deletion_protection_enabled: false } });
});

test("backups in a second location outlive the region: a multi-region as Cloud SQL writes it; the log kept at most 7 days", () => {
  const { db, json } = build({ backups: { retentionDays: 3, location: "EU" } });
  expect(instance(json).settings.backup_configuration).toMatchObject({ location: "eu", transaction_log_retention_days: 3, backup_retention_settings: { retained_backups: 3 } });
  expect(db.backupLocation).toBe("eu");
  expect(build({ backups: { retentionDays: 30, location: "europe-west4" } }).db.backupLocation).toBe("europe-west4");
});

test("the password's name follows the name (Terraform names: no dashes)", () => {
  expect(build({ name: "shop-eu" }).db.password).toBe("${ephemeral.random_password.shop_eu_database_password_1.result}");
});
