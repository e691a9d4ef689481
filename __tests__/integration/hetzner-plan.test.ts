import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { parse } from "yaml";
import { LOCATION_TABLES, RESIDENCY_POLICIES, judgeLocation } from "../../lib/residency";
import { byType, offlinePlan, PlannedResource, synthApp } from "./helpers";

// `terraform plan` of the Hetzner stacks with the real hcloud and s3 providers, offline: a dummy
// 64-character token and dummy object storage keys; the S3 state backend is swapped for a local one
// by an override file in the test only (offlinePlan).
const { outdir, result } = synthApp();
const DUMMY_ENV = {
  HCLOUD_TOKEN: "0123456789abcdef".repeat(4),
  TF_VAR_object_storage_access_key: "dummy-access-key",
  TF_VAR_object_storage_secret_key: "dummy-secret-key",
};

const plan = (stack: string) => offlinePlan(join(outdir, "stacks", stack), DUMMY_ENV);

beforeAll(() => expect(result.exitCode).toBe(0));

describe.each([
  ["hetzner-staging", { protect: false, replicas: 1 }],
  ["hetzner-prod", { protect: true, replicas: 2 }],
] as const)("%s plans with the real hcloud provider", (stack, expected) => {
  let resources: PlannedResource[];
  let config: any; // the stack's cdk.tf.json
  beforeAll(() => {
    resources = plan(stack);
    config = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
  });

  test("has every part of the backend", () => {
    const types = new Set(resources.map((r) => r.type));
    for (const type of ["hcloud_network", "hcloud_network_subnet", "hcloud_firewall", "hcloud_server", "hcloud_volume",
      "hcloud_volume_attachment", "hcloud_zone_rrset", "s3_bucket", "random_password"]) {
      expect(types).toContain(type);
    }
    // The zone acme.de is prod's; staging puts its records in it (dns.createZone: false).
    expect(byType(resources, "hcloud_zone").map((z) => z.values.name)).toEqual(expected.protect ? ["acme.de"] : []);
    expect(byType(resources, "hcloud_zone_rrset").map((r) => r.values.zone)).toEqual(["acme.de", "acme.de"]);
    expect(byType(resources, "hcloud_server")).toHaveLength(1 + expected.replicas);
    expect(byType(resources, "hcloud_load_balancer")).toHaveLength(expected.replicas > 1 ? 1 : 0);
    // A single server is reached directly, at addresses of its own that a release (a new server) keeps.
    expect(byType(resources, "hcloud_primary_ip").map((ip) => ip.values.type).sort()).toEqual(expected.replicas > 1 ? [] : ["ipv4", "ipv6"]);
  });

  test("a new image replaces the app servers, never the database server (its user_data is ignored)", () => {
    const servers = Object.values(config.resource.hcloud_server) as { name: string; user_data: string; lifecycle: { ignore_changes: string[] } }[];
    for (const server of servers) {
      const isDatabase = server.name === `${stack}-database`;
      expect({ server: server.name, ignored: server.lifecycle.ignore_changes.includes("user_data") }).toEqual({ server: server.name, ignored: isDatabase });
      expect(server.user_data.includes("ghcr.io/acme/api:1.4.2")).toBe(!isDatabase); // the image is in the app servers' user_data
    }
    if (expected.replicas === 1) {
      // The DNS records point at the primary IPs, not at the (replaceable) server.
      const records = Object.values(config.resource.hcloud_zone_rrset).map((r: any) => r.records[0].value).sort();
      expect(records).toEqual([expect.stringMatching(/^\$\{hcloud_primary_ip\.[^}]+\.ip_address\}$/), expect.stringMatching(/^\$\{hcloud_primary_ip\.[^}]+\.ip_address\}1$/)]);
    }
  });

  test("systemd: the app is restarted forever; Postgres starts once its private address is there", () => {
    const files = (Object.values(config.resource.hcloud_server) as { user_data: string }[])
      .flatMap((s) => parse(s.user_data).write_files as { path: string; content: string }[]);
    const units = (path: string) => files.filter((f) => f.path === path).map((f) => f.content);
    const apps = units("/etc/systemd/system/app.service");
    expect(apps).toHaveLength(expected.replicas);
    for (const unit of apps) {
      expect(unit).toMatch(/^\[Unit\][^[]*^StartLimitIntervalSec=0$/m);
      expect(unit).toMatch(/^\[Service\][^[]*^Restart=always$[^[]*^RestartSec=5s$/m);
    }
    const database = `10.${stack === "hetzner-prod" ? 10 : 20}.1.10`;
    expect(units("/etc/systemd/system/postgresql@.service.d/private-address.conf")).toEqual([
      "[Unit]\nWants=network-online.target\nAfter=network-online.target\n\n" +
      `[Service]\nExecStartPre=/usr/bin/timeout 120 /bin/sh -c 'until ip -4 -o addr show to ${database} | grep -q .; do sleep 1; done'\n`,
    ]);
    // Still on the private address only.
    expect(files.find((f) => f.path === "/usr/local/sbin/setup-postgres")!.content).toContain(`listen_addresses = '${database}'`);
  });

  test(`firewalls: ssh and Postgres never open to the world; Postgres only from the subnet; web ${expected.replicas > 1 ? "only through the load balancer" : "open"}`, () => {
    const rules = byType(resources, "hcloud_firewall").flatMap((f) => f.values.rule as any[]);
    for (const rule of rules.filter((r) => r.port === "22" || r.port === "5432")) {
      expect(rule.source_ips).not.toContain("0.0.0.0/0");
      expect(rule.source_ips).not.toContain("::/0");
    }
    const postgres = rules.filter((r) => r.port === "5432");
    expect(postgres).toEqual([expect.objectContaining({ direction: "in", source_ips: [expect.stringMatching(/^10\.\d+\.1\.0\/24$/)] })]);
    // Behind a load balancer nothing public reaches an app server: the balancer uses the private network.
    expect(rules.map((r) => r.port).sort()).toEqual(expected.replicas > 1 ? ["22", "22", "5432"] : ["22", "22", "443", "5432", "80"]);
  });

  test("app servers have a public IPv4 to pull their image from registries without IPv6 (ghcr.io)", () => {
    const apps = byType(resources, "hcloud_server").filter((s) => s.values.name !== `${stack}-database`);
    expect(apps).toHaveLength(expected.replicas);
    for (const app of apps) expect(app.values.public_net).toEqual([expect.objectContaining({ ipv4_enabled: true })]);
  });

  test("the database server has no public IPv4, Hetzner backups, and the data on a volume", () => {
    const db = byType(resources, "hcloud_server").find((s) => s.values.name === `${stack}-database`)!;
    expect(db.values.public_net).toEqual([expect.objectContaining({ ipv4_enabled: false })]);
    expect(db.values.backups).toBe(true);
    expect(byType(resources, "hcloud_volume")[0].values).toMatchObject({ format: "ext4", name: `${stack}-pgdata` });
  });

  test(`protection flags are ${expected.protect ? "on" : "off"}; never on the stateless app servers`, () => {
    for (const server of byType(resources, "hcloud_server")) {
      const protect = server.values.name === `${stack}-database` && expected.protect; // an app server's would block its replacement
      expect({ server: server.values.name, delete: server.values.delete_protection, rebuild: server.values.rebuild_protection })
        .toEqual({ server: server.values.name, delete: protect, rebuild: protect });
    }
    for (const type of ["hcloud_volume", "hcloud_network", "hcloud_zone", "hcloud_load_balancer", "hcloud_primary_ip"]) {
      for (const r of byType(resources, type)) expect({ type, protect: r.values.delete_protection }).toEqual({ type, protect: expected.protect });
    }
  });

  test("every location and network zone is in the EU", () => {
    const places = resources.flatMap((r) => ["location", "network_zone"].filter((k) => r.values[k]).map((k) => r.values[k] as string));
    expect(places.length).toBeGreaterThan(3);
    for (const place of places) expect(judgeLocation(RESIDENCY_POLICIES.eu, LOCATION_TABLES.hetzner, place).allowed).toBe(true);
  });

  test("rendered cloud-init passes `cloud-init schema`", () => {
    // user_data holds references resolved at apply; the synthesized text with stand-in values is what is checked.
    const servers = Object.values(config.resource.hcloud_server) as { user_data: string }[];
    for (const { user_data } of servers) {
      const file = join(mkdtempSync(join(tmpdir(), "cloud-init-")), "user-data.yaml");
      writeFileSync(file, user_data.replace(/\$\{[^}]+\}/g, "stand-in-value-123"));
      const check = execa.sync("cloud-init", ["schema", "--config-file", file], { reject: false });
      expect(check.stdout + check.stderr).toContain("Valid cloud-config");
      expect(check.exitCode).toBe(0);
    }
  });

  test("the schema check itself rejects a broken config (so a pass means something)", () => {
    const file = join(mkdtempSync(join(tmpdir(), "cloud-init-")), "user-data.yaml");
    writeFileSync(file, "#cloud-config\npackages: docker.io\nruncmd: 42\n");
    expect(execa.sync("cloud-init", ["schema", "--config-file", file], { reject: false }).exitCode).not.toBe(0);
  });
});
