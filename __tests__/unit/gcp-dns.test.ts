import { Testing } from "cdktf";
import { ComputeManagedSslCertificate } from "@cdktf/provider-google/lib/compute-managed-ssl-certificate";
import { ComputeTargetHttpsProxy } from "@cdktf/provider-google/lib/compute-target-https-proxy";
import { DataGoogleDnsKeys } from "@cdktf/provider-google/lib/data-google-dns-keys";
import { DnsRecordSet } from "@cdktf/provider-google/lib/dns-record-set";
import { BackendStack } from "../../constructs/backend-stack";
import { certificateName } from "../../constructs/gcp/load-balancer";
import { EnvironmentError, GcpEnvironment, validateEnvironment } from "../../lib/environment";
import gcpProdFile from "../../environments/gcp-prod";
import gcpStagingFile from "../../environments/gcp-staging";
import { shippedEnvironment } from "../support/shipped-environments";
import { onlyResource, resourcesOf } from "../support/synthesized";

// DNS and HTTPS readiness on Google Cloud: what the user must do at the registrar is in the outputs, a
// child zone (gcp-staging's staging.acme.eu) is delegated from its parent's (gcp-prod's acme.eu), and a
// change of the certificate's domains replaces it without the proxy holding on to the old one.
const prod = shippedEnvironment("gcp-prod") as GcpEnvironment;
const staging = shippedEnvironment("gcp-staging") as GcpEnvironment;
const synth = (env: GcpEnvironment) => Testing.synth(new BackendStack(Testing.app(), env));
const STAGING_NS = ["ns-cloud-b1.googledomains.com.", "ns-cloud-b2.googledomains.com.", "ns-cloud-b3.googledomains.com", "ns-cloud-b4.googledomains.com."];
const STAGING_DS = "2371 8 2 1F3A0BC4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F80";
const delegating = (delegations: unknown) =>
  validateEnvironment({ ...gcpProdFile, dns: { ...gcpProdFile.dns, delegations } }, "environments/gcp-prod.ts") as GcpEnvironment;

describe("a zone the stack creates says what its parent needs", () => {
  const json = JSON.parse(synth(staging));
  const [zoneId] = onlyResource(JSON.stringify(json), "google_dns_managed_zone");

  test("dns_name_servers: the zone's name servers, for the registrar or the parent zone, and when HTTPS starts working", () => {
    expect(json.output.dns_name_servers.value).toBe(`\${google_dns_managed_zone.${zoneId}.name_servers}`);
    expect(json.output.dns_name_servers.description).toMatch(/NS records .*registrar.*acme\.eu.*dns\.delegations/);
    expect(json.output.dns_name_servers.description).toMatch(/HTTPS works once .*ACTIVE.*60 minutes/);
  });

  test("dns_ds_record: the key-signing key's DS record, read from the zone after it exists (DNSSEC is on)", () => {
    const [keysId, keys] = Object.entries<any>(json.data.google_dns_keys)[0];
    expect(Object.keys(json.data.google_dns_keys)).toHaveLength(1);
    expect(keys.managed_zone).toBe(`\${google_dns_managed_zone.${zoneId}.id}`);
    expect(keys.depends_on).toContain(`google_dns_managed_zone.${zoneId}`);
    expect(json.output.dns_ds_record.value).toBe(`\${data.google_dns_keys.${keysId}.key_signing_keys[0].ds_record}`);
    expect(json.output.dns_ds_record.description).toMatch(/DS record/);
    expect(json.resource.google_dns_managed_zone[zoneId].dnssec_config).toEqual({ state: "on" });
  });

  test("the DNS keys are a data source read after the zone exists", () => {
    expect(JSON.stringify(json)).toHaveDataSourceWithProperties(DataGoogleDnsKeys, {});
  });

  test("dns_next_steps says it in one sentence with the values, which cdktf deploy prints after the apply", () => {
    const [zoneId] = Object.keys(json.resource.google_dns_managed_zone);
    const [keysId] = Object.keys(json.data.google_dns_keys);
    expect(json.output.dns_next_steps.value).toContain(`set its NS records to \${join(" ", google_dns_managed_zone.${zoneId}.name_servers)}`);
    expect(json.output.dns_next_steps.value).toContain(`DS record to "\${data.google_dns_keys.${keysId}.key_signing_keys[0].ds_record}"`);
    expect(json.output.dns_next_steps.value).toMatch(/HTTPS works once .* ACTIVE .*https_status/);
  });

  test("https_status names the address, the certificate and how to see that it is ACTIVE", () => {
    const [certId] = onlyResource(JSON.stringify(json), "google_compute_managed_ssl_certificate");
    expect(json.output.https_status.value).toContain(`certificate \${google_compute_managed_ssl_certificate.${certId}.name} is ACTIVE`);
    expect(json.output.https_status.value).toMatch(/api\.staging\.acme\.eu resolves to \$\{google_compute_global_address\..*\.address\}/);
    expect(json.output.https_status.description).toMatch(/60 minutes/);
  });

  test("with createZone: false the zone is someone else's: no name servers, no DS record", () => {
    const env = validateEnvironment({ ...gcpStagingFile, dns: { ...gcpStagingFile.dns, createZone: false } }, "environments/gcp-staging.ts") as GcpEnvironment;
    const json = JSON.parse(synth(env));
    expect(json.output.dns_name_servers).toBeUndefined();
    expect(json.output.dns_ds_record).toBeUndefined();
    expect(json.data?.google_dns_keys).toBeUndefined();
  });
});

describe("the parent zone delegates a child zone with dns.delegations", () => {
  test("NS records (absolute names) and the DS record of staging.acme.eu in acme.eu", () => {
    const json = synth(delegating({ staging: { nameServers: STAGING_NS, ds: [STAGING_DS] } }));
    const [zoneId] = onlyResource(json, "google_dns_managed_zone");
    expect(json).toHaveResourceWithProperties(DnsRecordSet, {
      managed_zone: `\${google_dns_managed_zone.${zoneId}.name}`, name: "staging.acme.eu.", type: "NS", ttl: 3600,
      rrdatas: STAGING_NS.map((ns) => (ns.endsWith(".") ? ns : `${ns}.`)),
    });
    expect(json).toHaveResourceWithProperties(DnsRecordSet, {
      managed_zone: `\${google_dns_managed_zone.${zoneId}.name}`, name: "staging.acme.eu.", type: "DS", rrdatas: [STAGING_DS],
    });
  });

  test("without a DS record the child is delegated unsigned (NS only); without delegations nothing is added", () => {
    const types = (json: string) => resourcesOf(json, "google_dns_record_set").map(([, r]) => `${r.type} ${r.name}`).sort();
    expect(types(synth(delegating({ staging: { nameServers: STAGING_NS } })))).toEqual(["A api.acme.eu.", "NS staging.acme.eu."]);
    expect(types(synth(prod))).toEqual(["A api.acme.eu."]);
  });

  test.each([
    [{ staging: { nameServers: [] } }, /dns\.delegations\.staging\.nameServers/],
    [{ staging: { nameServers: STAGING_NS, ds: ["not a DS record"] } }, /a DS record such as/],
    [{ "Staging!": { nameServers: STAGING_NS } }, /a name inside the zone/],
  ])("a malformed delegation is refused at load: %j", (delegations, message) => {
    expect(() => delegating(delegations)).toThrow(EnvironmentError);
    expect(() => delegating(delegations)).toThrow(message);
  });

  test("only where the stack creates the zone on Cloud DNS", () => {
    const raw = { ...gcpProdFile, dns: { ...gcpProdFile.dns, createZone: false, delegations: { staging: { nameServers: STAGING_NS } } } };
    expect(() => validateEnvironment(raw, "environments/gcp-prod.ts")).toThrow(/dns\.delegations.*only with dns\.provider gcp and a zone this stack creates/);
  });
});

describe("the managed certificate can be replaced while the proxy uses it", () => {
  test("its name carries a hash of its domains, and it is created before the old one is destroyed", () => {
    const json = synth(prod);
    const [certId] = onlyResource(json, "google_compute_managed_ssl_certificate");
    expect(json).toHaveResourceWithProperties(ComputeManagedSslCertificate, {
      name: certificateName("gcp-prod", ["api.acme.eu"]), managed: { domains: ["api.acme.eu"] }, lifecycle: { create_before_destroy: true },
    });
    expect(certificateName("gcp-prod", ["api.acme.eu"])).toMatch(/^gcp-prod-[0-9a-f]{8}$/);
    expect(json).toHaveResourceWithProperties(ComputeTargetHttpsProxy, { ssl_certificates: [`\${google_compute_managed_ssl_certificate.${certId}.id}`] });
  });

  test("another domain gives another name (a new certificate); the same domains the same name", () => {
    const other = validateEnvironment({ ...gcpProdFile, dns: { ...gcpProdFile.dns, record: "www" } }, "environments/gcp-prod.ts") as GcpEnvironment;
    const name = (env: GcpEnvironment) => onlyResource(synth(env), "google_compute_managed_ssl_certificate")[1].name;
    expect(name(other)).not.toBe(name(prod));
    expect(name(other)).toBe(certificateName("gcp-prod", ["www.acme.eu"]));
    expect(certificateName("gcp-prod", ["b.acme.eu", "a.acme.eu"])).toBe(certificateName("gcp-prod", ["a.acme.eu", "b.acme.eu"]));
    expect(certificateName("x".repeat(70), ["api.acme.eu"]).length).toBeLessThanOrEqual(63);
  });
});
