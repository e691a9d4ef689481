import { Construct } from "constructs";
import { DnsManagedZone } from "@cdktf/provider-google/lib/dns-managed-zone";
import { DnsRecordSet } from "@cdktf/provider-google/lib/dns-record-set";
import { GcpEnvironment } from "../../lib/environment";
import { ServiceEndpoint } from "../parts";

/** A Cloud DNS public zone (DNSSEC on) and the A record of the service's load balancer. */
export class GcpDnsRecords extends Construct {
  constructor(scope: Construct, id: string, env: GcpEnvironment, service: ServiceEndpoint) {
    super(scope, id);
    const dns = env.dns!;
    const zone = new DnsManagedZone(this, "zone", {
      name: dns.zone.replace(/\./g, "-"), dnsName: `${dns.zone}.`, visibility: "public",
      dnssecConfig: { state: "on" }, forceDestroy: !env.protect, labels: { environment: env.name },
    });
    if (service.publicIpv4.length === 0) return; // an internal-only service gets no public record
    new DnsRecordSet(this, "a", {
      managedZone: zone.name, name: `${dns.record === "@" ? "" : `${dns.record}.`}${dns.zone}.`, type: "A", ttl: 300, rrdatas: [...service.publicIpv4],
    });
  }
}
