import { Construct } from "constructs";
import { Fn, TerraformOutput } from "cdktf";
import { DataGoogleDnsKeys } from "@cdktf/provider-google/lib/data-google-dns-keys";
import { DnsManagedZone } from "@cdktf/provider-google/lib/dns-managed-zone";
import { DnsRecordSet } from "@cdktf/provider-google/lib/dns-record-set";
import { DnsRecordName, recordDomain } from "../dns/record";

/** A subdomain served by a zone of its own: that zone's name servers and, for a DNSSEC-signed one, its DS records. */
export interface GcpDnsDelegation {
  /** The child zone's name servers, e.g. ["ns-cloud-b1.googledomains.com.", ...]. */
  readonly nameServers: readonly string[];
  /**
   * The child zone's DS records ("<key tag> <algorithm> <digest type> <digest>").
   * @default none: the child is not validated by DNSSEC resolvers
   */
  readonly ds?: readonly string[];
}

export interface GcpDnsRecordsProps extends DnsRecordName {
  /** The addresses the record points at (the load balancer's): none, no record (an internal-only service). */
  readonly publicIpv4: readonly string[];
  /**
   * Create the zone (and own it: destroying the stack deletes it). False: it exists in the project
   * already (another stack's, or made by hand) under the name this one would give it.
   * @default true
   */
  readonly createZone?: boolean;
  /**
   * Subdomains of the zone delegated to zones of their own, keyed by their name inside it ("staging").
   * Only in a zone this creates.
   * @default none
   */
  readonly delegations?: Readonly<Record<string, GcpDnsDelegation>>;
  /**
   * Keep a zone this creates when the stack is destroyed: a destroy fails while it holds records this stack does not manage.
   * @default true
   */
  readonly protect?: boolean;
  /**
   * Labels of a zone this creates.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A Cloud DNS public zone (DNSSEC on) and the A record of the service's load balancer. With
 * `createZone: false` the zone exists in the project already (another stack's, or made by hand)
 * under the name this one would give it.
 *
 * A zone this stack creates answers only once its parent delegates to it: the outputs `dns_name_servers`
 * and `dns_ds_record` are what the registrar (or the parent zone) needs. `delegations` delegates
 * subdomains of this zone to zones of their own (NS, and DS for a signed child), with the values the
 * child's stack output after its first apply: the parent cannot know them before the child zone exists.
 */
export class GcpDnsRecords extends Construct {
  constructor(scope: Construct, id: string, props: GcpDnsRecordsProps) {
    super(scope, id);
    const { zone: domain } = props;
    const zoneName = domain.replace(/\./g, "-");
    let managedZone = zoneName;
    if (props.createZone ?? true) {
      const zone = new DnsManagedZone(this, "zone", {
        name: zoneName, dnsName: `${domain}.`, visibility: "public",
        dnssecConfig: { state: "on" }, forceDestroy: !(props.protect ?? true), labels: props.labels,
      });
      managedZone = zone.name;
      this.outputs(domain, zone);
      for (const [name, delegation] of Object.entries(props.delegations ?? {})) {
        const child = `${name}.${domain}.`;
        new DnsRecordSet(this, `delegation-${name}-ns`, { managedZone, name: child, type: "NS", ttl: 3600, rrdatas: delegation.nameServers.map(fqdn) });
        if (delegation.ds?.length) new DnsRecordSet(this, `delegation-${name}-ds`, { managedZone, name: child, type: "DS", ttl: 3600, rrdatas: [...delegation.ds] });
      }
    }
    if (props.publicIpv4.length === 0) return; // an internal-only service gets no public record
    new DnsRecordSet(this, "a", {
      managedZone, name: `${recordDomain(props)}.`, type: "A", ttl: 300, rrdatas: [...props.publicIpv4],
    });
  }

  /** What to set at the registrar (or in the parent zone) so that the zone `domain`, and the HTTPS certificate, work. */
  private outputs(domain: string, zone: DnsManagedZone): void {
    const parent = domain.split(".").slice(1).join(".");
    const where = `where ${domain} is delegated from: at its registrar, or, for a subdomain of a zone of its own (${parent}), in that zone ` +
      `(dns.delegations of the environment that creates it)`;
    // DNSSEC is on, so the zone has a key-signing key once it exists; read after the zone is created.
    const keys = new DataGoogleDnsKeys(this, "keys", { managedZone: zone.id, dependsOn: [zone] });
    const output = (name: string, value: unknown, description: string) => new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    output("dns_name_servers", zone.nameServers,
      `Set these as ${domain}'s NS records ${where}. HTTPS works once the name resolves to the load balancer ` +
      `and its Google-managed certificate is ACTIVE, which can take up to 60 minutes after that.`);
    output("dns_ds_record", keys.keySigningKeys.get(0).dsRecord,
      `DNSSEC is on: add this DS record ${where}, after the NS records resolve. Until then resolvers treat the zone as unsigned.`);
    // The same as one sentence with the values in it: `cdktf deploy` prints outputs' values after the apply, not their descriptions.
    output("dns_next_steps",
      `${domain} is served by Cloud DNS. At its registrar (or, for a subdomain of ${parent}, in that zone: dns.delegations), ` +
      `set its NS records to ${Fn.join(" ", zone.nameServers)} and then its DS record to "${keys.keySigningKeys.get(0).dsRecord}". ` +
      `HTTPS works once the name resolves here and the managed certificate is ACTIVE (up to 60 minutes after that): see https_status.`,
      "What to do at the registrar after the first apply");
  }
}

/** A name server as an absolute name, as Cloud DNS stores NS data. */
const fqdn = (host: string) => (host.endsWith(".") ? host : `${host}.`);
