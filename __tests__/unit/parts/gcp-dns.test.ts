import { DnsManagedZone } from "@cdktf/provider-google/lib/dns-managed-zone";
import { DnsRecordSet } from "@cdktf/provider-google/lib/dns-record-set";
import { GcpDnsRecords, GcpDnsRecordsProps } from "../../../constructs/gcp/dns";
import { bareStack, resourcesOf, synthesize } from "../../support/synthesized";

// GcpDnsRecords alone: a signed Cloud DNS zone (or one that exists), the service's A record, delegations
// of subdomains, and the outputs that say what the registrar needs.
function synth(props: Partial<GcpDnsRecordsProps> = {}) {
  const stack = bareStack();
  new GcpDnsRecords(stack, "dns", { zone: "acme.eu", record: "api", publicIpv4: ["203.0.113.7"], ...props });
  return synthesize(stack, {}).json;
}
const records = (json: string) => resourcesOf(json, "google_dns_record_set").map(([, r]) => r);

describe("left to its defaults", () => {
  const json = synth();
  const [[zoneId]] = resourcesOf(json, "google_dns_managed_zone");

  test("the zone is made here: public, DNSSEC on, named after the domain, kept on destroy while others' records are in it; no labels", () => {
    expect(json).toHaveResourceWithProperties(DnsManagedZone, { name: "acme-eu", dns_name: "acme.eu.", visibility: "public", dnssec_config: { state: "on" }, force_destroy: false });
    expect(resourcesOf(json, "google_dns_managed_zone")[0][1].labels).toBeUndefined();
  });

  test("the A record points at the addresses, in that zone", () => {
    expect(records(json)).toEqual([{ managed_zone: `\${google_dns_managed_zone.${zoneId}.name}`, name: "api.acme.eu.", type: "A", ttl: 300, rrdatas: ["203.0.113.7"] }]);
  });

  test("its outputs: the name servers and the DS record for the registrar, in a sentence too", () => {
    const { output } = JSON.parse(json);
    expect(Object.keys(output).sort()).toEqual(["dns_ds_record", "dns_name_servers", "dns_next_steps"]);
    expect(output.dns_name_servers.value).toBe(`\${google_dns_managed_zone.${zoneId}.name_servers}`);
    expect(output.dns_ds_record.value).toMatch(/^\$\{data\.google_dns_keys\..*\.key_signing_keys\[0\]\.ds_record\}$/);
    expect(output.dns_next_steps.value).toMatch(/^acme\.eu is served by Cloud DNS\. At its registrar \(or, for a subdomain of eu, in that zone/);
  });
});

test("protect: false deletes the zone with its records; labels", () => {
  expect(synth({ protect: false, labels: { environment: "shop" } })).toHaveResourceWithProperties(DnsManagedZone, { force_destroy: true, labels: { environment: "shop" } });
});

test("createZone: false writes the record into the zone of that name, and outputs nothing", () => {
  const json = synth({ createZone: false, delegations: { staging: { nameServers: ["ns1.example.com."] } } });
  expect(resourcesOf(json, "google_dns_managed_zone")).toEqual([]);
  expect(records(json)).toEqual([expect.objectContaining({ managed_zone: "acme-eu", name: "api.acme.eu.", type: "A" })]);
  expect(JSON.parse(json).output).toBeUndefined();
});

test("the apex is the zone's own name", () => {
  expect(synth({ record: "@" })).toHaveResourceWithProperties(DnsRecordSet, { name: "acme.eu.", type: "A" });
});

test("no addresses (an internal-only service): no record, the zone still made", () => {
  const json = synth({ publicIpv4: [] });
  expect(records(json)).toEqual([]);
  expect(resourcesOf(json, "google_dns_managed_zone")).toHaveLength(1);
});

test("delegations: NS records with absolute names, and DS records only for a signed child", () => {
  const json = synth({ delegations: {
    staging: { nameServers: ["ns-cloud-b1.googledomains.com.", "ns-cloud-b2.googledomains.com"], ds: ["2371 8 2 1F3A"] },
    dev: { nameServers: ["ns1.example.com"] },
  } });
  const delegated = records(json).filter((r) => r.type !== "A").map(({ name, type, ttl, rrdatas }) => ({ name, type, ttl, rrdatas }));
  expect(delegated).toEqual(expect.arrayContaining([
    { name: "staging.acme.eu.", type: "NS", ttl: 3600, rrdatas: ["ns-cloud-b1.googledomains.com.", "ns-cloud-b2.googledomains.com."] },
    { name: "staging.acme.eu.", type: "DS", ttl: 3600, rrdatas: ["2371 8 2 1F3A"] },
    { name: "dev.acme.eu.", type: "NS", ttl: 3600, rrdatas: ["ns1.example.com."] },
  ]));
  expect(delegated).toHaveLength(3);
});
