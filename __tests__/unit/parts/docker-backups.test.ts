import { Testing } from "cdktf";
import { Image } from "@cdktf/provider-docker/lib/image";
import { backupProtection, BackupProtection, BackupStore, DockerBackups, DockerBackupsProps } from "../../../constructs/docker/backups";
import { DatabaseEndpoint } from "../../../constructs/parts";
import { containerNamed, labelsOf, networkName, networkStack, networksOf, variablesOf } from "../../support/docker-parts";
import { bareStack } from "../../support/synthesized";

// DockerBackups (the pg_dump sidecar) alone, and backupProtection (its key and off-site store, read from
// the deployer's variables).
const DB: DatabaseEndpoint = { host: "postgres", port: 5432, database: "app", user: "app", password: "${random_password.pw.result}", sslmode: "disable" };
const LOCAL_STORE: BackupStore = {
  bucket: "shop-backups", clientEnv: ["S3_ENDPOINT=http://objectstore:7070", "S3_REGION=us-east-1", "S3_ACCESS_KEY_ID=AK", "S3_SECRET_ACCESS_KEY=SK"],
  remote: false, after: [], dataBucket: "shop-data",
};
const OFFSITE = { endpoint: "https://hel1.your-objectstorage.com", bucket: "shop-offsite", region: "hel1", accessKeyId: "OAK", secretAccessKey: "OSK" };

function build(props: Partial<Omit<DockerBackupsProps, "network" | "db">> = {}) {
  const { stack, network } = networkStack();
  const backups = new DockerBackups(stack, "backups", { name: "shop", image: "portable-backend/backup:1", network, db: DB, store: LOCAL_STORE, retentionDays: 7, ...props });
  const json = Testing.synth(stack);
  const sidecar = containerNamed(json, "shop-backup");
  return { backups, json, sidecar, variables: variablesOf(sidecar) };
}

describe("left to its defaults, into the object store on the host", () => {
  const { backups, json, sidecar, variables } = build();

  test("a sidecar of the backup image on the internal network only, labelled, running its schedule", () => {
    expect(json).toHaveResourceWithProperties(Image, { name: "portable-backend/backup:1", keep_locally: true });
    expect(sidecar).toMatchObject({ image: expect.stringMatching(/^\$\{docker_image\.backups_image_.*\.image_id\}$/), command: ["schedule"], restart: "unless-stopped" });
    expect(sidecar.networks_advanced).toEqual([{ name: networkName(json, "internal"), aliases: ["backup"] }]);
    expect(labelsOf(sidecar)).toEqual({ environment: "shop", role: "backup" });
  });

  test("it dumps the database into the bucket's backups/, daily, keeping dumps 7 days", () => {
    expect(variables).toMatchObject({
      PGHOST: "postgres", PGPORT: "5432", PGUSER: "app", PGPASSWORD: DB.password, PGDATABASE: "app",
      S3_ENDPOINT: "http://objectstore:7070", S3_ACCESS_KEY_ID: "AK", S3_BUCKET: "shop-backups",
      BACKUP_PREFIX: "backups", BACKUP_RETENTION_DAYS: "7", BACKUP_INTERVAL_SECONDS: "86400", DATA_BUCKET: "shop-data",
    });
    expect(backups.location).toBe("s3://shop-backups/backups/");
  });

  test("no encryption and no off-site copy unless given", () => {
    expect(Object.keys(variables).filter((k) => k.startsWith("OFFSITE_") || k === "BACKUP_ENCRYPTION_KEY")).toEqual([]);
  });

  test("unhealthy once a backup fails, checked every 30 s, and not waited for on deploy", () => {
    expect(sidecar).toMatchObject({ wait: false, healthcheck: expect.objectContaining({ test: ["CMD", "backup", "health"], interval: "30s" }) });
  });
});

test("hourly or weekly, and the retention asked for", () => {
  expect(build({ schedule: "hourly", retentionDays: 30 }).variables).toMatchObject({ BACKUP_INTERVAL_SECONDS: "3600", BACKUP_RETENTION_DAYS: "30" });
  expect(build({ schedule: "weekly" }).variables.BACKUP_INTERVAL_SECONDS).toBe("604800");
});

test("a store off the host (Object Storage) is reached through the edge network, and named in the location", () => {
  const { backups, json, sidecar, variables } = build({ store: { ...LOCAL_STORE, remote: true, where: "https://fsn1.your-objectstorage.com", dataBucket: undefined } });
  expect(networksOf(sidecar)).toEqual([networkName(json, "internal"), networkName(json, "edge")]);
  expect(backups.location).toBe("s3://shop-backups/backups/ (https://fsn1.your-objectstorage.com)");
  expect(variables.DATA_BUCKET).toBeUndefined();
});

test("with a key and an off-site store: encrypted, copied there through the edge network, which the location says", () => {
  const protection: BackupProtection = { encryptionKey: "KEY", offsite: OFFSITE };
  const { backups, json, sidecar, variables } = build({ protection });
  expect(variables).toMatchObject({
    BACKUP_ENCRYPTION_KEY: "KEY", OFFSITE_ENDPOINT: OFFSITE.endpoint, OFFSITE_BUCKET: "shop-offsite", OFFSITE_REGION: "hel1",
    OFFSITE_ACCESS_KEY_ID: "OAK", OFFSITE_SECRET_ACCESS_KEY: "OSK",
  });
  expect(networksOf(sidecar)).toEqual([networkName(json, "internal"), networkName(json, "edge")]);
  expect(backups.location).toBe("s3://shop-backups/backups/; off-site: s3://shop-offsite/ (https://hel1.your-objectstorage.com)");
});

test("it starts once what its store needs exists (it creates its bucket when it starts)", () => {
  const { stack, network } = networkStack();
  // Any resource stands for the store's container here.
  new DockerBackups(stack, "backups", { name: "shop", image: "b", network, db: DB, store: { ...LOCAL_STORE, after: [network.edge] }, retentionDays: 7 });
  expect(containerNamed(Testing.synth(stack), "shop-backup").depends_on).toEqual([expect.stringMatching(/^docker_network\.network_edge_/)]);
});

describe("backupProtection", () => {
  const secrets = (json: string) => JSON.parse(json).data?.portable_deployer_secret ?? {};

  test("nothing named, nothing read: no key, no off-site store, no deployer variable", () => {
    const stack = bareStack();
    expect(backupProtection(stack, { file: "environments/shop.ts" })).toEqual({});
    expect(secrets(Testing.synth(stack))).toEqual({});
  });

  test("the key and the off-site store's keys are read from the deployer's variables, each naming the file's field", () => {
    const stack = bareStack();
    const protection = backupProtection(stack, {
      file: "environments/shop.ts", encryptionKey: { env: "SHOP_BACKUP_KEY" },
      offsite: { endpoint: OFFSITE.endpoint, bucket: "shop-offsite", location: "hel1", accessKeyId: { env: "SHOP_OFFSITE_ID" }, secretAccessKey: { env: "SHOP_OFFSITE_SECRET" } },
    });
    expect(protection.offsite).toMatchObject({ endpoint: OFFSITE.endpoint, bucket: "shop-offsite", region: "hel1" });
    const read = Object.values(secrets(Testing.synth(stack))).map((s: any) => [s.variable, s.used_by]);
    expect(read).toEqual([
      ["SHOP_BACKUP_KEY", "environments/shop.ts: backups.encryptionKey"],
      ["SHOP_OFFSITE_ID", "environments/shop.ts: backups.offsite.accessKeyId"],
      ["SHOP_OFFSITE_SECRET", "environments/shop.ts: backups.offsite.secretAccessKey"],
    ]);
  });

  test("the off-site store's region is its location unless it names one", () => {
    const offsite = { endpoint: OFFSITE.endpoint, bucket: "b", location: "de", region: "eu-central-1", accessKeyId: { env: "A" }, secretAccessKey: { env: "B" } };
    expect(backupProtection(bareStack(), { file: "f", offsite }).offsite?.region).toBe("eu-central-1");
  });
});
