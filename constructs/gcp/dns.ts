import { Construct } from "constructs";
import { Fn, TerraformOutput } from "cdktf";
import { DataGoogleDnsKeys } from "@cdktf/provider-google/lib/data-google-dns-keys";
import { DnsManagedZone } from "@cdktf/provider-google/lib/dns-managed-zone";
import { DnsRecordSet } from "@cdktf/provider-google/lib/dns-record-set";
import { GcpEnvironment } from "../../lib/environment";
import { ServiceEndpoint } from "../parts";

/**
 * A Cloud DNS public zone (DNSSEC on) and the A record of the service's load balancer. With
 * `dns.createZone: false` the zone exists in the project already (another stack's, or made by hand)
 * under the name this one would give it.
 *
 * A zone this stack creates answers only once its parent delegates to it: the outputs `dns_name_servers`
 * and `dns_ds_record` are what the registrar (or the parent zone) needs. `dns.delegations` delegates
 * subdomains of this zone to zones of their own (NS, and DS for a signed child), with the values the
 * child's stack output after its first apply: the parent cannot know them before the child zone exists.
 */
export class GcpDnsRecords extends Construct {
  constructor(scope: Construct, id: string, env: GcpEnvironment, service: ServiceEndpoint) {
    super(scope, id);
    const dns = env.dns!;
    const zoneName = dns.zone.replace(/\./g, "-");
    let managedZone = zoneName;
    if (dns.createZone) {
      const zone = new DnsManagedZone(this, "zone", {
        name: zoneName, dnsName: `${dns.zone}.`, visibility: "public",
        dnssecConfig: { state: "on" }, forceDestroy: !env.protect, labels: { environment: env.name },
      });
      managedZone = zone.name;
      this.outputs(env, zone);
      for (const [name, delegation] of Object.entries(dns.delegations ?? {})) {
        const child = `${name}.${dns.zone}.`;
        new DnsRecordSet(this, `delegation-${name}-ns`, { managedZone, name: child, type: "NS", ttl: 3600, rrdatas: delegation.nameServers.map(fqdn) });
        if (delegation.ds?.length) new DnsRecordSet(this, `delegation-${name}-ds`, { managedZone, name: child, type: "DS", ttl: 3600, rrdatas: delegation.ds });
      }
    }
    if (service.publicIpv4.length === 0) return; // an internal-only service gets no public record
    new DnsRecordSet(this, "a", {
      managedZone, name: `${dns.record === "@" ? "" : `${dns.record}.`}${dns.zone}.`, type: "A", ttl: 300, rrdatas: [...service.publicIpv4],
    });
  }

  /** What to set at the registrar (or in the parent zone) so that the zone, and the HTTPS certificate, work. */
  private outputs(env: GcpEnvironment, zone: DnsManagedZone): void {
    const dns = env.dns!;
    const parent = dns.zone.split(".").slice(1).join(".");
    const where = `where ${dns.zone} is delegated from: at its registrar, or, for a subdomain of a zone of its own (${parent}), in that zone ` +
      `(dns.delegations of the environment that creates it)`;
    // DNSSEC is on, so the zone has a key-signing key once it exists; read after the zone is created.
    const keys = new DataGoogleDnsKeys(this, "keys", { managedZone: zone.id, dependsOn: [zone] });
    const output = (name: string, value: unknown, description: string) => new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    output("dns_name_servers", zone.nameServers,
      `Set these as ${dns.zone}'s NS records ${where}. HTTPS works once the name resolves to the load balancer ` +
      `and its Google-managed certificate is ACTIVE, which can take up to 60 minutes after that.`);
    output("dns_ds_record", keys.keySigningKeys.get(0).dsRecord,
      `DNSSEC is on: add this DS record ${where}, after the NS records resolve. Until then resolvers treat the zone as unsigned.`);
    // The same as one sentence with the values in it: `cdktf deploy` prints outputs' values after the apply, not their descriptions.
    output("dns_next_steps",
      `${dns.zone} is served by Cloud DNS. At its registrar (or, for a subdomain of ${parent}, in that zone: dns.delegations), ` +
      `set its NS records to ${Fn.join(" ", zone.nameServers)} and then its DS record to "${keys.keySigningKeys.get(0).dsRecord}". ` +
      `HTTPS works once the name resolves here and the managed certificate is ACTIVE (up to 60 minutes after that): see https_status.`,
      "What to do at the registrar after the first apply");
  }
}

/** A name server as an absolute name, as Cloud DNS stores NS data. */
const fqdn = (host: string) => (host.endsWith(".") ? host : `${host}.`);
