import { Construct } from "constructs";
import { Zone } from "../../.gen/providers/hcloud/zone";
import { ZoneRrset } from "../../.gen/providers/hcloud/zone-rrset";
import { Environment } from "../../lib/environment";
import { ServiceEndpoint } from "../parts";

/**
 * The service's records in a Hetzner DNS zone (served through the Hetzner Cloud API): A records
 * for the service's IPv4 addresses, and AAAA for IPv6 ones. The zone is created and managed here.
 */
export class HetznerDnsRecords extends Construct {
  constructor(scope: Construct, id: string, env: Environment, service: ServiceEndpoint) {
    super(scope, id);
    const dns = env.dns!;
    const zone = new Zone(this, "zone", {
      name: dns.zone, mode: "primary", ttl: 3600, deleteProtection: env.protect,
      labels: { environment: env.name },
    });
    const byType = { A: service.publicIpv4, AAAA: service.publicIpv6 };
    for (const [type, addresses] of Object.entries(byType)) {
      if (addresses.length === 0) continue;
      new ZoneRrset(this, type, {
        zone: zone.name, name: dns.record, type, ttl: 300,
        records: addresses.map((value) => ({ value })),
        changeProtection: env.protect,
      });
    }
  }
}
