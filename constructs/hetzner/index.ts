import { Construct } from "constructs";
import { HcloudProvider } from "../../.gen/providers/hcloud/provider";
import { HetznerEnvironment } from "../../lib/environment";
import { HetznerDnsRecords } from "../dns/hetzner-dns";
import { BackendParts } from "../parts";
import { HetznerBackups } from "./backups";
import { HetznerBuckets } from "./bucket";
import { HetznerDatabase } from "./database";
import { HetznerNetwork } from "./network";
import { HetznerService } from "./service";

/** The token comes from HCLOUD_TOKEN at plan/apply time; it never enters the synthesized config. */
export function hetznerProviders(scope: Construct, _env: HetznerEnvironment): void {
  new HcloudProvider(scope, "hcloud", {});
}

export const hetznerParts: BackendParts<HetznerEnvironment, HetznerNetwork, HetznerBuckets, HetznerDatabase> = {
  network: (scope, env) => new HetznerNetwork(scope, "network", env),
  database: (scope, env, net) => new HetznerDatabase(scope, "database", env, net),
  bucket: (scope, env) => new HetznerBuckets(scope, "bucket", env),
  service: (scope, env, deps) => new HetznerService(scope, "service", env, deps),
  dns: (scope, env, service) => {
    if (!env.dns) return;
    if (env.dns.provider !== "hetzner") throw new Error(`${env.file}: dns.provider "${env.dns.provider}" is not supported by the hetzner target yet (use hetzner)`);
    new HetznerDnsRecords(scope, "dns", env, service);
  },
  backups: (scope, env, deps) => new HetznerBackups(scope, "backups", env, deps),
};
