import { Construct } from "constructs";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { HcloudProvider } from "../../.gen/providers/hcloud/provider";
import { DockerEnvironment } from "../../lib/environment";
import { BackendParts, BucketEndpoint } from "../parts";
import { HetznerDnsRecords } from "../dns/hetzner-dns";
import { backupProtection, DockerBackups } from "./backups";
import { DockerObjectStore } from "./bucket";
import { DockerCache } from "./cache";
import { DockerDatabase } from "./database";
import { sshOptions } from "./host";
import { DockerNetworks } from "./network";
import { DockerProbe } from "./probe";
import { DockerRelease, readyChecks } from "./release";
import { DockerService } from "./service";
import { DockerWorkers } from "./workers";

/** The Docker Engine the stack deploys to (the local socket, or a remote engine over ssh), and the DNS provider. */
export function dockerProviders(scope: Construct, env: DockerEnvironment): void {
  new DockerProvider(scope, "docker", {
    host: env.host.url,
    sshOpts: env.host.url.startsWith("ssh://") ? sshOptions() : undefined,
  });
  if (env.dns?.provider === "hetzner") new HcloudProvider(scope, "hcloud", {}); // token from HCLOUD_TOKEN
}

export const dockerParts: BackendParts<DockerEnvironment, DockerNetworks, BucketEndpoint, DockerDatabase, DockerCache> = {
  network: (scope, env) => new DockerNetworks(scope, "network", env),
  database: (scope, env, net, settings) => new DockerDatabase(scope, "database", env, net, settings),
  bucket: (scope, env, net) => DockerObjectStore.of(scope, env, net).bucket(),
  cache: (scope, env, net) => new DockerCache(scope, "cache", env, net),
  service: (scope, env, { net, db, bucket, cache, app }) => {
    // The app's containers start once what they use answers: the database, its bucket, the cache.
    const ready = readyChecks({ db, bucket, cache });
    const probe = new DockerProbe(scope, "probe", env);
    const release = new DockerRelease(scope, "release", env, { app, networks: [net.internal, net.edge], ready, data: db?.volume });
    new DockerWorkers(scope, "workers", env, release);
    return new DockerService(scope, "service", env, { net, release, probe });
  },
  dns: (scope, env, service) => {
    if (!env.dns) return; // `local` has no records
    if (env.dns.provider !== "hetzner") throw new Error(`${env.file}: dns.provider "${env.dns.provider}" is not supported by the docker target yet (use hetzner)`);
    new HetznerDnsRecords(scope, "dns", env, service);
  },
  backups: (scope, env, { net, db }, settings) => {
    const store = DockerObjectStore.of(scope, env, net);
    if (!store.backupBucket) throw new Error("the object store has no backup bucket: the environment has no database");
    return new DockerBackups(scope, "backups", env, {
      net, db,
      store: { bucket: store.backupBucket, clientEnv: store.clientEnv(), remote: false, after: [store.container], dataBucket: store.dataBucket },
      protection: backupProtection(scope, env),
    }, settings);
  },
};
