import { Construct } from "constructs";
import { DnsManagedZone } from "@cdktf/provider-google/lib/dns-managed-zone";
import { DnsRecordSet } from "@cdktf/provider-google/lib/dns-record-set";
import { GcpEnvironment } from "../../lib/environment";
import { ServiceEndpoint } from "../parts";

/**
 * A Cloud DNS public zone (DNSSEC on) and the A record of the service's load balancer. With
 * `dns.createZone: false` the zone exists in the project already (another stack's, or made by hand)
 * under the name this one would give it.
 */
export class GcpDnsRecords extends Construct {
  constructor(scope: Construct, id: string, env: GcpEnvironment, service: ServiceEndpoint) {
    super(scope, id);
    const dns = env.dns!;
    const zoneName = dns.zone.replace(/\./g, "-");
    const managedZone = dns.createZone
      ? new DnsManagedZone(this, "zone", {
        name: zoneName, dnsName: `${dns.zone}.`, visibility: "public",
        dnssecConfig: { state: "on" }, forceDestroy: !env.protect, labels: { environment: env.name },
      }).name
      : zoneName;
    if (service.publicIpv4.length === 0) return; // an internal-only service gets no public record
    new DnsRecordSet(this, "a", {
      managedZone, name: `${dns.record === "@" ? "" : `${dns.record}.`}${dns.zone}.`, type: "A", ttl: 300, rrdatas: [...service.publicIpv4],
    });
  }
}
