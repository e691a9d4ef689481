import { Construct } from "constructs";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { HcloudProvider } from "../../.gen/providers/hcloud/provider";
import { DockerEnvironment, HetznerEnvironment, hostBackups } from "../../lib/environment";
import { BackendParts, BackupSettings, BucketEndpoint, DatabaseSettings } from "../parts";
import { HetznerDnsRecords, hetznerDnsRecordsProps } from "../dns/hetzner-dns";
import { backupProtection, DockerBackups, DockerBackupsProps } from "./backups";
import { DockerBuckets } from "./bucket";
import { DockerCache, DockerCacheProps } from "./cache";
import { DockerDatabase, DockerDatabaseProps } from "./database";
import { sshOptions } from "./host";
import { DockerNetworks } from "./network";
import { DockerProbe, DockerProbeProps } from "./probe";
import { DockerRelease, DockerReleaseProps, readyChecks } from "./release";
import { DockerService, DockerServiceProps } from "./service";
import { DockerWorkers } from "./workers";

/** The Docker Engine the stack deploys to (the local socket, or a remote engine over ssh), and the DNS provider. */
export function dockerProviders(scope: Construct, env: DockerEnvironment): void {
  new DockerProvider(scope, "docker", {
    host: env.host.url,
    sshOpts: env.host.url.startsWith("ssh://") ? sshOptions() : undefined,
  });
  if (env.dns?.provider === "hetzner") new HcloudProvider(scope, "hcloud", {}); // token from HCLOUD_TOKEN
}

/**
 * An environment whose backend runs as containers: the Docker target's, on one engine, and Hetzner's,
 * on its servers as Docker hosts. The container parts take narrow props; what they read of such an
 * environment is the same on both targets (its name, `images`, `protect`, the app's `service` and
 * `workers`), read by the functions below for the two adapters (dockerParts, and hetznerParts in
 * constructs/hetzner/index.ts), which add the wiring: networks, engines, endpoints.
 */
export type ContainerEnvironment = DockerEnvironment | HetznerEnvironment;

export function databaseProps(env: ContainerEnvironment, network: DockerNetworks, settings: DatabaseSettings<ContainerEnvironment>): DockerDatabaseProps {
  return { name: env.name, image: env.images.postgres, postgres: settings.postgres, network, protect: env.protect };
}

export function cacheProps(env: ContainerEnvironment, network: DockerNetworks): DockerCacheProps {
  if (!env.images.cache) throw new Error(`${env.file}: images.cache is required with a cache`); // checked at load
  return { name: env.name, image: env.images.cache, network, protect: env.protect };
}

export function probeProps(env: ContainerEnvironment): DockerProbeProps {
  return { name: env.name, image: env.images.proxy };
}

/** The release of the app's image, with what it is wired to (`deps`). */
export function releaseProps(env: ContainerEnvironment, deps: Pick<DockerReleaseProps, "variables" | "networks" | "ready" | "data">): DockerReleaseProps {
  const command = env.service.release?.command;
  return {
    name: env.name, image: env.service.image, toolsImage: env.images.backup, ...deps,
    releaseCommand: command && { command, declaredIn: env.file },
  };
}

/** The replicas and their proxy, but for where they run (networks, site, how many on this engine). */
export function serviceProps(env: ContainerEnvironment): Pick<DockerServiceProps, "name" | "proxyImage" | "healthPath" | "command" | "startTimeoutSeconds" | "protect"> {
  const { healthPath, command, startTimeoutSeconds } = env.service;
  return { name: env.name, proxyImage: env.images.proxy, healthPath, command, startTimeoutSeconds, protect: env.protect };
}

/** The sidecar's image and schedule, but for what it dumps and where to. */
export function backupsProps(env: ContainerEnvironment, settings: BackupSettings<ContainerEnvironment>): Pick<DockerBackupsProps, "name" | "image" | "retentionDays" | "schedule"> {
  return { name: env.name, image: env.images.backup, retentionDays: settings.retentionDays, schedule: settings.schedule };
}

/** The environment's buckets (made by whichever part asks first: the bucket or the backups). */
const buckets = (scope: Construct, env: DockerEnvironment, network: DockerNetworks) => DockerBuckets.of(scope, {
  name: env.name, image: env.images.objectStore, network, protect: env.protect, dataBucket: env.bucket !== false, backupBucket: env.database !== false,
});

export const dockerParts: BackendParts<DockerEnvironment, DockerNetworks, BucketEndpoint, DockerDatabase, DockerCache> = {
  network: (scope, env) => new DockerNetworks(scope, "network", { name: env.name }),
  database: (scope, env, network, settings) => new DockerDatabase(scope, "database", databaseProps(env, network, settings)),
  bucket: (scope, env, network) => buckets(scope, env, network).bucket(),
  cache: (scope, env, network) => new DockerCache(scope, "cache", cacheProps(env, network)),
  service: (scope, env, { network, db, bucket, cache, variables }) => {
    // The app's containers start once what they use answers: the database, its bucket, the cache.
    const ready = readyChecks({ db, bucket, cache });
    const probe = new DockerProbe(scope, "probe", probeProps(env));
    const release = new DockerRelease(scope, "release", releaseProps(env, { variables, networks: [network.internal, network.edge], ready, data: db?.volume }));
    new DockerWorkers(scope, "workers", { name: env.name, release, workers: env.workers });
    return new DockerService(scope, "service", { ...serviceProps(env), network, release, probe, site: env.host, replicas: env.service.replicas });
  },
  dns: (scope, env, service) => {
    if (!env.dns) return; // `local` has no records
    if (env.dns.provider !== "hetzner") throw new Error(`${env.file}: dns.provider "${env.dns.provider}" is not supported by the docker target yet (use hetzner)`);
    new HetznerDnsRecords(scope, "dns", hetznerDnsRecordsProps(env, service));
  },
  backups: (scope, env, { network, db }, settings) => {
    const store = buckets(scope, env, network);
    if (!store.backupBucket) throw new Error("the object store has no backup bucket: the environment has no database");
    return new DockerBackups(scope, "backups", {
      ...backupsProps(env, settings), network, db,
      store: { bucket: store.backupBucket, clientEnv: store.clientEnv(), remote: false, after: [store.container], dataBucket: store.dataBucket },
      protection: backupProtection(scope, { file: env.file, ...hostBackups(env) }),
    });
  },
};
