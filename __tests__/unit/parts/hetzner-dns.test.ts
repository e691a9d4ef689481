import { Testing } from "cdktf";
import { Zone } from "../../../.gen/providers/hcloud/zone";
import { ZoneRrset } from "../../../.gen/providers/hcloud/zone-rrset";
import { HetznerDnsRecords, HetznerDnsRecordsProps } from "../../../constructs/dns/hetzner-dns";
import { recordDomain } from "../../../constructs/dns/record";
import { bareStack, resourcesOf } from "../../support/synthesized";

const addresses = { publicIpv4: ["203.0.113.7"], publicIpv6: ["2001:db8::1"] };

function synth(props: Partial<HetznerDnsRecordsProps> = {}) {
  const stack = bareStack();
  new HetznerDnsRecords(stack, "dns", { zone: "acme.de", record: "api", ...addresses, ...props });
  return Testing.synth(stack);
}
const records = (json: string) => resourcesOf(json, "hcloud_zone_rrset").map(([, r]) => r).sort((a, b) => a.type.localeCompare(b.type));

test("by default the zone is made here, protected, and the records are in it", () => {
  const json = synth({ labels: { environment: "shop" } });
  expect(json).toHaveResourceWithProperties(Zone, { name: "acme.de", mode: "primary", delete_protection: true, labels: { environment: "shop" } });
  const [zoneId] = resourcesOf(json, "hcloud_zone").map(([id]) => id);
  expect(records(json)).toEqual([
    expect.objectContaining({ zone: `\${hcloud_zone.${zoneId}.name}`, name: "api", type: "A", ttl: 300, records: [{ value: "203.0.113.7" }], change_protection: true }),
    expect.objectContaining({ zone: `\${hcloud_zone.${zoneId}.name}`, name: "api", type: "AAAA", records: [{ value: "2001:db8::1" }], change_protection: true }),
  ]);
});

test("createZone: false manages the records only, in the zone named", () => {
  const json = synth({ createZone: false });
  expect(resourcesOf(json, "hcloud_zone")).toEqual([]);
  expect(records(json).map((r) => r.zone)).toEqual(["acme.de", "acme.de"]);
});

test("protect: false leaves zone and records changeable", () => {
  const json = synth({ protect: false });
  expect(json).toHaveResourceWithProperties(Zone, { delete_protection: false });
  expect(records(json).map((r) => r.change_protection)).toEqual([false, false]);
});

test("a record only for the address families there are", () => {
  expect(records(synth({ publicIpv6: [] })).map((r) => r.type)).toEqual(["A"]);
  expect(records(synth({ publicIpv4: undefined, publicIpv6: undefined }))).toEqual([]);
  expect(synth({ publicIpv4: ["203.0.113.7", "203.0.113.8"] })).toHaveResourceWithProperties(ZoneRrset, { type: "A", records: [{ value: "203.0.113.7" }, { value: "203.0.113.8" }] });
});

test("the apex is its record @, named as the zone", () => {
  expect(synth({ record: "@" })).toHaveResourceWithProperties(ZoneRrset, { name: "@", type: "A" });
  expect(recordDomain({ zone: "acme.de", record: "@" })).toBe("acme.de");
  expect(recordDomain({ zone: "acme.de", record: "api" })).toBe("api.acme.de");
});
