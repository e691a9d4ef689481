import { Construct } from "constructs";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { GcpEnvironment } from "../../lib/environment";
import { recordDomain } from "../dns/record";
import { BackendParts, Backups } from "../parts";
import { GcpAccessLogBucket } from "./access-logs";
import { GcpDataBucket, suffixedBucketName } from "./bucket";
import { GcpBucketCopy, GcpBucketCopyProps } from "./bucket-copy";
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

/** What every resource the environment makes is labelled with, besides the provider's default labels. */
const labels = (env: GcpEnvironment) => ({ environment: env.name });

/** The copy `env` asks for (with `backups.offsite` and a bucket): where, how often, kept how long. */
export function bucketCopySettings(env: GcpEnvironment): Omit<GcpBucketCopyProps, "source"> | undefined {
  const backups = env.backups;
  if (!backups?.offsite || env.bucket === false) return undefined;
  return { location: backups.offsite.location, schedule: backups.schedule, retentionDays: backups.retentionDays };
}

/** The parts, each built from the environment's settings: the only place that reads the environment. */
export const gcpParts: BackendParts<GcpEnvironment, GcpNetwork, GcpDataBucket, GcpDatabase, GcpCache> = {
  network: (scope, env) => {
    const net = new GcpNetwork(scope, "network", { name: env.name, project: env.project, location: env.location });
    // The project's logs (Cloud Run's requests, Cloud SQL's, the flow logs) kept in the region, not in `global`.
    new GcpLogRouting(scope, "logs", {
      project: env.project, location: env.location, bucketId: `${env.name}-logs-${net.suffix}`, retentionDays: env.logs.retentionDays, protect: env.protect,
    });
    return net;
  },
  database: (scope, env, net, settings) => {
    // The schema requires backups with a database; Cloud SQL's are configured on the instance.
    if (!env.backups) throw new Error(`${env.file}: backups is required with a database`);
    return new GcpDatabase(scope, "database", {
      name: env.name, location: env.location, network: net,
      postgres: settings.postgres, tier: settings.size, storageGb: settings.storageGb, availability: settings.availability,
      // With backups.offsite, stored in that second location, so that they outlive the region.
      backups: { retentionDays: env.backups.retentionDays, location: env.backups.offsite?.location },
      protect: env.protect, labels: labels(env),
    });
  },
  bucket: (scope, env, net, settings) => {
    // Every request to the data bucket, logged into a bucket of their own in the environment's location.
    const accessLogs = new GcpAccessLogBucket(scope, "bucket-access-logs", {
      name: suffixedBucketName(`${env.project}-${env.name}`, "-access-logs"), location: env.location,
      retentionDays: env.logs.retentionDays, protect: env.protect, labels: labels(env),
    });
    const bucket = new GcpDataBucket(scope, "bucket", {
      name: settings.name ?? `${env.project}-${env.name}-data`, location: settings.location ?? env.location,
      runtimeAccount: net.runtimeAccount, versioning: settings.versioning,
      // Old versions kept as long as the backups (without backups, the bucket's default).
      noncurrentDays: env.backups?.retentionDays,
      accessLogs, protect: env.protect, labels: labels(env),
    });
    // With backups.offsite, the objects are copied to a second EU location (with or without a database).
    const copy = bucketCopySettings(env);
    if (copy) new GcpBucketCopy(scope, "bucket-offsite", { source: bucket.bucket, ...copy });
    return bucket;
  },
  cache: (scope, env, net, settings) => new GcpCache(scope, "cache", {
    name: env.name, location: env.location, network: net, memoryGb: settings.memoryGb, availability: settings.availability,
    protect: env.protect, labels: labels(env),
  }),
  service: (scope, env, { network, variables }) => {
    const { service, dns } = env;
    return new GcpService(scope, "service", {
      name: env.name, project: env.project, location: env.location, network, variables,
      image: service.image, command: service.command, healthPath: service.healthPath,
      startTimeoutSeconds: service.startTimeoutSeconds, replicas: service.replicas, maxInstances: service.maxInstances,
      cpu: service.cpu, memory: service.memory, ingress: service.ingress, releaseCommand: service.release, workers: env.workers,
      domain: dns && recordDomain(dns), labels: labels(env),
    });
  },
  dns: (scope, env, service) => {
    if (!env.dns) return;
    if (env.dns.provider !== "gcp") throw new Error(`${env.file}: dns.provider "${env.dns.provider}" is not supported by the gcp target yet (use gcp)`);
    const { zone, record, createZone, delegations } = env.dns;
    new GcpDnsRecords(scope, "dns", { zone, record, createZone, delegations, publicIpv4: service.publicIpv4, protect: env.protect, labels: labels(env) });
  },
  // Cloud SQL's automated backups and point-in-time recovery are configured with the database, the bucket's copy with the bucket.
  backups: (_scope, env, { db }): Backups => {
    const copy = bucketCopySettings(env);
    const objects = copy ? `; the data bucket's objects copied ${copy.schedule} to a bucket in ${copy.location}` : "";
    return { location: `Cloud SQL automated backups with point-in-time recovery, stored in ${db.backupLocation}${objects}` };
  },
};
