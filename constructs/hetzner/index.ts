import { Construct } from "constructs";
import { HcloudProvider } from "../../.gen/providers/hcloud/provider";
import { HetznerEnvironment } from "../../lib/environment";
import { HetznerDnsRecords } from "../dns/hetzner-dns";
import { BackendParts, BucketEndpoint } from "../parts";
import { HetznerBackups } from "./backups";
import { HetznerBuckets } from "./bucket";
import { HetznerDatabase } from "./database";
import { HetznerNetwork } from "./network";
import { HetznerService } from "./service";

/** The token comes from HCLOUD_TOKEN at plan/apply time; it never enters the synthesized config. */
export function hetznerProviders(scope: Construct, _env: HetznerEnvironment): void {
  new HcloudProvider(scope, "hcloud", {});
}

export const hetznerParts: BackendParts<HetznerEnvironment, HetznerNetwork, BucketEndpoint, HetznerDatabase> = {
  network: (scope, env) => new HetznerNetwork(scope, "network", env),
  database: (scope, env, net, settings) => new HetznerDatabase(scope, "database", env, net, settings),
  bucket: (scope, env) => HetznerBuckets.of(scope, env).bucket(),
  cache: (_scope, env) => {
    throw new Error(`${env.file}: cache is not supported by the hetzner target yet`); // refused at load (consistency.ts)
  },
  service: (scope, env, { net, app }) => new HetznerService(scope, "service", env, { net, app }),
  dns: (scope, env, service) => {
    if (!env.dns) return;
    if (env.dns.provider !== "hetzner") throw new Error(`${env.file}: dns.provider "${env.dns.provider}" is not supported by the hetzner target yet (use hetzner)`);
    new HetznerDnsRecords(scope, "dns", env, service);
  },
  backups: (scope, env, { db }, settings) => new HetznerBackups(scope, "backups", env, { db, bucket: HetznerBuckets.of(scope, env) }, settings),
};
