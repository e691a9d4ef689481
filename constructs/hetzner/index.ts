import { Construct } from "constructs";
import { HetznerEnvironment, hostBackups } from "../../lib/environment";
import { backupProtection, DockerBackups } from "../docker/backups";
import { s3ClientEnv } from "../docker/bucket";
import { DockerCache } from "../docker/cache";
import { DockerDatabase } from "../docker/database";
import { backupsProps, cacheProps, databaseProps, probeProps, releaseProps, serviceProps } from "../docker";
import { DockerProbe } from "../docker/probe";
import { DockerRelease, readyChecks } from "../docker/release";
import { DockerService } from "../docker/service";
import { DockerWorkers } from "../docker/workers";
import { EnvironmentStack } from "../environment-stack";
import { BackendParts, BucketEndpoint, ServiceEndpoint } from "../parts";
import { remoteState } from "../state-backend";
import { HetznerHosts, ServerEngine } from "./hosts";
import { MACHINE_OUTPUTS } from "./outputs";
import { bucketsProps, hasDataServer, HetznerMachinesStack, siteName } from "./machines-stack";

/*
 * Hetzner is two stacks (lib/environment/state.ts, stacksOf): the machines (HetznerMachinesStack, before
 * the backend's), and the backend's, whose parts are the Docker target's containers deployed onto those
 * servers over ssh: Postgres, Redis, the backups, the release command and the workers on the data
 * server, a replica and its proxy on each app server.
 */

/** The machines' stack, deployed before the backend's. */
export function hetznerMachines(scope: Construct, env: HetznerEnvironment): EnvironmentStack[] {
  return [new HetznerMachinesStack(scope, env)];
}

/** The backend's stack has no provider of its own: each server's engine has one (HetznerHosts). */
export function hetznerProviders(_scope: Construct, _env: HetznerEnvironment): void {}

const dataServer = (hosts: HetznerHosts, part: string): ServerEngine => {
  if (!hosts.data) throw new Error(`${part} needs the data server, which an environment without a database and a cache has not`);
  return hosts.data;
};

export const hetznerParts: BackendParts<HetznerEnvironment, HetznerHosts, BucketEndpoint, DockerDatabase, DockerCache> = {
  network: (scope, env) => new HetznerHosts(scope, "hosts", {
    name: env.name, machinesState: (hosts, id) => remoteState(hosts, id, env, "main"),
    cidr: env.network.cidr, dataServer: hasDataServer(env), appServers: env.service.replicas, buckets: bucketsProps(env),
  }),
  database: (_scope, env, hosts, settings) => {
    const data = dataServer(hosts, "the database");
    return new DockerDatabase(data.host, "database", { ...databaseProps(env, data.network, settings), publishOn: data.privateIp });
  },
  bucket: (_scope, _env, hosts) => hosts.bucket(),
  cache: (_scope, env, hosts) => {
    const data = dataServer(hosts, "the cache");
    return new DockerCache(data.host, "cache", { ...cacheProps(env, data.network), publishOn: data.privateIp });
  },
  service: (_scope, env, { network: hosts, db, bucket, cache, variables }) => {
    const main = hosts.main;
    const release = new DockerRelease(main.host, "release", releaseProps(env, { variables, networks: [main.network.internal, main.network.edge], ready: readyChecks({ db, bucket, cache }), data: db?.volume }));
    new DockerWorkers(main.host, "workers", { name: env.name, release, workers: env.workers });
    const balanced = hosts.apps.length > 1;
    const domain = siteName(env);
    hosts.apps.forEach((server, i) => new DockerService(server.host, "service", {
      ...serviceProps(env), network: server.network, release, probe: new DockerProbe(server.host, "probe", probeProps(env)), replicas: 1, firstReplica: i + 1,
      // One server: its proxy is the site, with the certificate for the name. Behind the load balancer,
      // which terminates TLS: plain HTTP on the private address, where the load balancer reaches it.
      site: balanced
        ? { bindAddress: server.privateIp, httpPort: 80, httpsPort: 443 }
        : { bindAddress: "0.0.0.0", httpPort: 80, httpsPort: 443, domain },
    }));
    const endpoint: ServiceEndpoint = { url: hosts.output(MACHINE_OUTPUTS.serviceUrl), publicIpv4: [], publicIpv6: [] };
    return endpoint;
  },
  // The records are the machines' stack's (they point at its addresses).
  dns: () => undefined,
  backups: (_scope, env, { network: hosts, db }, settings) => {
    const data = dataServer(hosts, "the backups");
    const storage = hosts.storage;
    if (!storage?.backupBucket) throw new Error(`${env.file}: backups need the backup bucket, made with a database`);
    const protection = backupProtection(data.host, { file: env.file, ...hostBackups(env) });
    return new DockerBackups(data.host, "backups", {
      ...backupsProps(env, settings), network: data.network, db,
      store: { bucket: storage.backupBucket, clientEnv: s3ClientEnv(storage), remote: true, after: [], where: storage.endpoint, dataBucket: storage.dataBucket },
      protection: { ...protection, offsite: protection.offsite ?? hosts.offsite },
    });
  },
};
