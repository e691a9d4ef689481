import { Construct } from "constructs";
import { Zone } from "../../.gen/providers/hcloud/zone";
import { ZoneRrset } from "../../.gen/providers/hcloud/zone-rrset";
import { Environment } from "../../lib/environment";
import { ServiceEndpoint } from "../parts";

/**
 * The service's records in a Hetzner DNS zone (served through the Hetzner Cloud API): A records
 * for the service's IPv4 addresses, and AAAA for IPv6 ones. The zone is created here, or with
 * `dns.createZone: false` it is one that exists (another stack's) and is named by its name.
 */
export class HetznerDnsRecords extends Construct {
  constructor(scope: Construct, id: string, env: Environment, service: ServiceEndpoint) {
    super(scope, id);
    const dns = env.dns!;
    const zone = dns.createZone
      ? new Zone(this, "zone", { name: dns.zone, mode: "primary", ttl: 3600, deleteProtection: env.protect, labels: { environment: env.name } }).name
      : dns.zone;
    const byType = { A: service.publicIpv4, AAAA: service.publicIpv6 };
    for (const [type, addresses] of Object.entries(byType)) {
      if (addresses.length === 0) continue;
      new ZoneRrset(this, type, {
        zone, name: dns.record, type, ttl: 300,
        records: addresses.map((value) => ({ value })),
        changeProtection: env.protect,
      });
    }
  }
}
