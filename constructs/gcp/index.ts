import { Construct } from "constructs";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { GcpEnvironment } from "../../lib/environment";
import { BackendParts, Backups } from "../parts";
import { GcpAccessLogBucket } from "./access-logs";
import { GcpBucket, suffixedBucketName } from "./bucket";
import { bucketCopySettings, GcpBucketCopy } from "./bucket-copy";
import { GcpCache } from "./cache";
import { GcpDatabase } from "./database";
import { GcpDnsRecords } from "./dns";
import { GcpLogRouting } from "./logs";
import { GcpNetwork } from "./network";
import { GcpService } from "./service";

/**
 * Credentials come from the environment (GOOGLE_OAUTH_ACCESS_TOKEN, GOOGLE_APPLICATION_CREDENTIALS or
 * workload identity). The APIs are enabled by the bootstrap (bootstrap-stack.ts), applied before.
 */
export function gcpProviders(scope: Construct, env: GcpEnvironment): void {
  new GoogleProvider(scope, "google", {
    project: env.project,
    region: env.location,
    defaultLabels: { environment: env.name, managed_by: "portable-backend" },
  });
}

export const gcpParts: BackendParts<GcpEnvironment, GcpNetwork, GcpBucket, GcpDatabase, GcpCache> = {
  network: (scope, env) => {
    const net = new GcpNetwork(scope, "network", env);
    // The project's logs (Cloud Run's requests, Cloud SQL's, the flow logs) kept in the region, not in `global`.
    new GcpLogRouting(scope, "logs", {
      project: env.project, location: env.location, bucketId: `${env.name}-logs-${net.suffix}`, retentionDays: env.logs.retentionDays, protect: env.protect,
    });
    return net;
  },
  database: (scope, env, net, settings) => {
    // The schema requires backups with a database; Cloud SQL's are configured on the instance.
    if (!env.backups) throw new Error(`${env.file}: backups is required with a database`);
    return new GcpDatabase(scope, "database", env, net, settings, env.backups);
  },
  bucket: (scope, env, net, settings) => {
    // Every request to the data bucket, logged into a bucket of their own in the environment's location.
    const accessLogs = new GcpAccessLogBucket(scope, "bucket-access-logs", {
      name: suffixedBucketName(`${env.project}-${env.name}`, "-access-logs"), location: env.location,
      retentionDays: env.logs.retentionDays, protect: env.protect, labels: { environment: env.name },
    });
    const bucket = new GcpBucket(scope, "bucket", env, net, settings, accessLogs);
    // With backups.offsite, the objects are copied to a second EU location (with or without a database).
    const copy = bucketCopySettings(env);
    if (copy) new GcpBucketCopy(scope, "bucket-offsite", { source: bucket.bucket, ...copy });
    return bucket;
  },
  cache: (scope, env, net, settings) => new GcpCache(scope, "cache", env, net, settings),
  service: (scope, env, { net, app }) => new GcpService(scope, "service", env, { net, app }),
  dns: (scope, env, service) => {
    if (!env.dns) return;
    if (env.dns.provider !== "gcp") throw new Error(`${env.file}: dns.provider "${env.dns.provider}" is not supported by the gcp target yet (use gcp)`);
    new GcpDnsRecords(scope, "dns", env, service);
  },
  // Cloud SQL's automated backups and point-in-time recovery are configured with the database, the bucket's copy with the bucket.
  backups: (_scope, env, { db }): Backups => {
    const copy = bucketCopySettings(env);
    const objects = copy ? `; the data bucket's objects copied ${copy.schedule} to a bucket in ${copy.location}` : "";
    return { location: `Cloud SQL automated backups with point-in-time recovery, stored in ${db.backupLocation}${objects}` };
  },
};
