import { Construct } from "constructs";
import { HcloudProvider } from "../../.gen/providers/hcloud/provider";
import { HetznerEnvironment, hostBackups, stacksOf } from "../../lib/environment";
import { allowedLocations, RESIDENCY_POLICIES } from "../../lib/residency";
import { hetzner, HETZNER_OBJECT_STORAGE_LOCATIONS } from "../../lib/residency/hetzner";
import { recordDomain } from "../dns/record";
import { EnvironmentStack } from "../environment-stack";
import { HetznerBucketsProps } from "./bucket";
import { HetznerMachines, HetznerMachinesProps } from "./machines";

/**
 * The first of a Hetzner environment's two stacks (stacksOf): the servers, volume, network, firewalls,
 * load balancer, buckets and DNS records. The second, the backend's, deploys the containers onto the
 * servers over ssh; its Docker providers need the servers' addresses, which exist only once this stack
 * is applied, so it reads them from this stack's state (MACHINE_OUTPUTS).
 */
export class HetznerMachinesStack extends EnvironmentStack {
  readonly machines: HetznerMachines;

  constructor(scope: Construct, env: HetznerEnvironment) {
    const own = stacksOf(env)[0];
    super(scope, env, own.name, own.part);
    new HcloudProvider(this, "hcloud", {}); // the token comes from HCLOUD_TOKEN at plan/apply time
    this.machines = new HetznerMachines(this, "machines", machinesProps(env));
  }
}

/** The site's name, when the environment has a DNS record. */
export const siteName = (env: HetznerEnvironment) => env.dns && recordDomain(env.dns);

/** Whether the environment has a data server: it has a database or a cache. */
export const hasDataServer = (env: HetznerEnvironment) => Boolean(env.database || env.cache);

/** The machines an environment file asks for. */
export function machinesProps(env: HetznerEnvironment): HetznerMachinesProps {
  if (env.dns && env.dns.provider !== "hetzner") throw new Error(`${env.file}: dns.provider "${env.dns.provider}" is not supported by the hetzner target yet (use hetzner)`);
  const database = env.database || undefined;
  return {
    name: env.name, location: env.location, protect: env.protect,
    network: env.network, serverImage: env.serverImage, sshKeys: env.sshKeys,
    app: { replicas: env.service.replicas, serverType: env.service.size, healthPath: env.service.healthPath },
    data: hasDataServer(env) ? { storageGb: database?.storageGb, serverType: database?.size } : undefined,
    buckets: bucketsProps(env),
    dns: env.dns && { zone: env.dns.zone, record: env.dns.record, createZone: env.dns.createZone },
  };
}

/**
 * The environment's buckets and where they are; both of its stacks are given them (HetznerBuckets,
 * HetznerHosts), so they agree on the names.
 */
export function bucketsProps(env: HetznerEnvironment): HetznerBucketsProps {
  const settings = env.bucket || undefined;
  const location = settings?.location ?? env.location;
  // The backup bucket is named after the app's, which is named after the environment by default.
  const name = settings?.name ?? `${env.name}-data`;
  const backups = hostBackups(env);
  return {
    location,
    dataBucket: settings && { name, versioning: settings.versioning },
    // The dumps', with a database.
    backupBucket: env.database && env.backups ? `${name}-backups` : undefined,
    // The off-site copies', in another location, unless the file names its own store or says `offsite: false`.
    offsite: env.database && backups?.copiedOffsite && !backups.offsite ? { bucket: `${name}-offsite`, location: offsiteLocation(env, location) } : undefined,
  };
}

/**
 * Where the off-site copies go by default: another Object Storage location than the buckets' (a fire in
 * one data centre must not take both), the farthest first, among those the residency policy allows.
 */
export function offsiteLocation(env: HetznerEnvironment, bucketLocation: string): string {
  const allowed = new Set(allowedLocations(RESIDENCY_POLICIES[env.residency], hetzner).map((l) => l.id));
  const preference: Record<string, readonly string[]> = { fsn1: ["hel1", "nbg1"], nbg1: ["hel1", "fsn1"], hel1: ["fsn1", "nbg1"] };
  const choice = (preference[bucketLocation] ?? HETZNER_OBJECT_STORAGE_LOCATIONS).find((l) => l !== bucketLocation && allowed.has(l));
  if (!choice) throw new Error(`${env.file}: no Hetzner Object Storage location other than ${bucketLocation} is allowed by the residency policy ${env.residency} for the off-site backups; name a store in backups.offsite, or set backups.offsite to false`);
  return choice;
}
