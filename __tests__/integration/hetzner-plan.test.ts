import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { parse } from "yaml";
import { LOCATION_TABLES, RESIDENCY_POLICIES, judgeLocation } from "../../lib/residency";
import { byType, offlinePlan, PlannedResource, synthApp, terraformOk } from "./helpers";

// `terraform plan` of the Hetzner machines' stacks with the real hcloud, s3 and portable providers,
// offline: a dummy 64-character token and dummy object storage keys; the S3 state backend is swapped
// for a local one by an override file in the test only (offlinePlan). The containers' stacks need the
// servers to plan (their Docker providers connect over ssh): hetzner-apps.test.ts deploys one onto
// stand-in servers; here they are validated and read.
const { outdir, result } = synthApp();
const DUMMY_ENV = {
  HCLOUD_TOKEN: "0123456789abcdef".repeat(4),
  TF_VAR_object_storage_access_key: "dummy-access-key",
  TF_VAR_object_storage_secret_key: "dummy-secret-key",
};

const stackDir = (stack: string) => join(outdir, "stacks", stack);
const config = (stack: string) => JSON.parse(readFileSync(join(stackDir(stack), "cdk.tf.json"), "utf8"));

type ServerConfig = { name: string; user_data: string; lifecycle: { ignore_changes: string[] } };

beforeAll(() => expect(result.exitCode).toBe(0));

describe.each([
  ["hetzner-staging", { protect: false, replicas: 1 }],
  ["hetzner-prod", { protect: true, replicas: 2 }],
] as const)("%s", (stack, expected) => {
  let resources: PlannedResource[];
  let machines: any; // the machines' stack's cdk.tf.json
  let apps: any; // the containers' stack's
  let servers: ServerConfig[];
  const dataServer = `${stack}-data`;
  beforeAll(() => {
    resources = offlinePlan(stackDir(stack), DUMMY_ENV);
    machines = config(stack);
    apps = config(`${stack}-apps`);
    servers = Object.values(machines.resource.hcloud_server);
  });

  test("the machines' stack plans every machine part with the real providers", () => {
    const types = new Set(resources.map((r) => r.type));
    for (const type of ["hcloud_network", "hcloud_network_subnet", "hcloud_firewall", "hcloud_server", "hcloud_volume",
      "hcloud_volume_attachment", "hcloud_zone_rrset", "s3_bucket", "portable_ssh_host_key"]) {
      expect(types).toContain(type);
    }
    // The zone acme.de is prod's; staging puts its records in it (dns.createZone: false).
    expect(byType(resources, "hcloud_zone").map((z) => z.values.name)).toEqual(expected.protect ? ["acme.de"] : []);
    expect(byType(resources, "hcloud_zone_rrset").map((r) => r.values.zone)).toEqual(["acme.de", "acme.de"]);
    expect(byType(resources, "hcloud_server").map((s) => s.values.name).sort())
      .toEqual([...Array.from({ length: expected.replicas }, (_, i) => `${stack}-app-${i + 1}`), dataServer]);
    expect(byType(resources, "portable_ssh_host_key")).toHaveLength(1 + expected.replicas);
    expect(byType(resources, "hcloud_load_balancer")).toHaveLength(expected.replicas > 1 ? 1 : 0);
    // A single server is reached directly, at addresses of its own that a new server keeps.
    expect(byType(resources, "hcloud_primary_ip").map((ip) => ip.values.type).sort()).toEqual(expected.replicas > 1 ? [] : ["ipv4", "ipv6"]);
    // No container is the machines' business.
    expect(Object.keys(machines.resource).filter((t) => t.startsWith("docker_"))).toEqual([]);
  });

  test("no server's user_data holds the app: no image, no connection string, no generated password, no app secret", () => {
    for (const server of servers) {
      expect(server.user_data).not.toContain("ghcr.io/acme/api");
      expect(server.user_data).not.toMatch(/DATABASE_URL|REDIS_URL|S3_SECRET|random_password|portable_deployer_secret|var\.object_storage/);
    }
    // The only secret it has is the server's own ssh host key, which the deploy pins.
    const data = servers.find((s) => s.name === dataServer)!;
    expect(parse(data.user_data).ssh_keys).toEqual({
      ed25519_private: expect.stringMatching(/^\$\{portable_ssh_host_key\.[^}]+\.private_key_openssh\}$/),
      ed25519_public: expect.stringMatching(/^\$\{portable_ssh_host_key\.[^}]+\.public_key\}$/),
    });
  });

  test("a server is a Docker host: docker.io, deploy in the docker group, ssh by key only, containers cut off from the metadata service", () => {
    for (const server of servers) {
      const cloudConfig = parse(server.user_data);
      expect(cloudConfig.packages).toContain("docker.io");
      expect(cloudConfig.users).toContainEqual(expect.objectContaining({ name: "deploy", groups: "docker", lock_passwd: true }));
      expect(cloudConfig.ssh_pwauth).toBe(false);
      const sshd = cloudConfig.write_files.find((f: { path: string }) => f.path === "/etc/ssh/sshd_config.d/10-portable-backend.conf").content;
      expect(sshd.split("\n")).toEqual(expect.arrayContaining(["PasswordAuthentication no", "PermitRootLogin no", "AllowUsers deploy"]));
      const metadata = cloudConfig.write_files.find((f: { path: string }) => f.path === "/etc/systemd/system/containers-without-metadata.service").content;
      expect(metadata).toContain("iptables -I DOCKER-USER -d 169.254.169.254 -j DROP");
    }
  });

  test("the data server keeps Docker's data (Postgres, Redis) on the volume, and Docker does not start without it", () => {
    const data = parse(servers.find((s) => s.name === dataServer)!.user_data);
    const file = (path: string) => data.write_files.find((f: { path: string }) => f.path === path)?.content;
    expect(JSON.parse(file("/etc/docker/daemon.json"))).toEqual({ "data-root": "/mnt/data/docker" });
    expect(file("/etc/systemd/system/docker.service.d/data-volume.conf")).toBe(
      "[Unit]\nRequiresMountsFor=/mnt/data\n\n[Service]\nExecStartPre=/usr/bin/mountpoint -q /mnt/data\n");
    // Mounted on the first boot, before the packages (docker.io) are installed.
    expect(data.bootcmd).toEqual([["cloud-init-per", "once", "mount-data", "sh", "-c", expect.stringContaining("mount /mnt/data")]]);
    expect(byType(resources, "hcloud_volume")[0].values).toMatchObject({ format: "ext4", name: `${stack}-data` });
    expect(byType(resources, "hcloud_server").find((s) => s.values.name === dataServer)!.values.backups).toBe(true);
  });

  test("a new app image, secret or release replaces no server: only the data server's user_data is ignored, and no app value is in any", () => {
    for (const server of servers) {
      expect({ server: server.name, ignored: server.lifecycle.ignore_changes.includes("user_data") })
        .toEqual({ server: server.name, ignored: server.name === dataServer });
    }
    if (expected.replicas === 1) {
      // The DNS records point at the primary IPs, not at the (replaceable) server.
      const records = Object.values(machines.resource.hcloud_zone_rrset).map((r: any) => r.records[0].value).sort();
      expect(records).toEqual([expect.stringMatching(/^\$\{hcloud_primary_ip\.[^}]+\.ip_address\}$/), expect.stringMatching(/^\$\{hcloud_primary_ip\.[^}]+\.ip_address\}1$/)]);
    }
  });

  test(`firewalls: ssh only from the admin and deploy CIDRs, nothing else but web${expected.replicas > 1 ? " (none: the load balancer uses the private network)" : ""}`, () => {
    const rules = byType(resources, "hcloud_firewall").flatMap((f) => f.values.rule as any[]);
    for (const rule of rules.filter((r) => r.port === "22")) {
      expect(rule.source_ips).not.toContain("0.0.0.0/0");
      expect(rule.source_ips).not.toContain("::/0");
    }
    expect(rules.map((r) => r.port).sort()).toEqual(expected.replicas > 1 ? ["22", "22"] : ["22", "22", "443", "80"]);
  });

  test("every server has a public IPv4: the deploy reaches its engine over ssh, and it pulls images from registries without IPv6", () => {
    for (const server of byType(resources, "hcloud_server")) expect(server.values.public_net).toEqual([expect.objectContaining({ ipv4_enabled: true })]);
  });

  test(`protection flags are ${expected.protect ? "on" : "off"}; never on the app servers, which a new cloud-init replaces`, () => {
    for (const server of byType(resources, "hcloud_server")) {
      const protect = server.values.name === dataServer && expected.protect;
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

  test("off-site backups: a bucket in another EU location (hel1; the servers are elsewhere), where the data server's sidecar copies, encrypted", () => {
    const offsite = byType(resources, "s3_bucket").filter((b) => (b.values.bucket as string).endsWith("-offsite"));
    expect(offsite).toHaveLength(1);
    const there = (machines.provider.s3 as any[]).find((p) => p.alias === "offsite");
    expect(there).toMatchObject({ endpoint: "https://hel1.your-objectstorage.com", region: "hel1" });
    expect(byType(resources, "hcloud_server").map((server) => server.values.location)).not.toContain(there.region);
    expect(judgeLocation(RESIDENCY_POLICIES["eu-sovereign"], LOCATION_TABLES.hetzner, there.region).allowed).toBe(true);
    const sidecar = Object.values<any>(apps.resource.docker_container).find((c) => c.labels.some((l: any) => l.value === "backup"));
    const env = Object.fromEntries((sidecar.env as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
    expect(env).toMatchObject({ OFFSITE_BUCKET: offsite[0].values.bucket, BACKUP_ENCRYPTION_KEY: expect.stringMatching(/^\$\{data\.portable_deployer_secret\./) });
  });

  test("rendered cloud-init passes `cloud-init schema`", () => {
    // user_data holds references resolved at apply; the synthesized text with stand-in values is what is checked.
    for (const { user_data } of servers) {
      const file = join(mkdtempSync(join(tmpdir(), "cloud-init-")), "user-data.yaml");
      writeFileSync(file, user_data.replace(/\$\{[^}]+\}/g, "stand-in-value-123"));
      const check = execa.sync("cloud-init", ["schema", "--config-file", file], { reject: false });
      expect(check.stdout + check.stderr).toContain("Valid cloud-config");
      expect(check.exitCode).toBe(0);
    }
  });

  test(expected.replicas > 1
    ? "behind the load balancer each app server's proxy serves plain HTTP on its private address only"
    : "the single app server's proxy publishes 80 and 443 itself, with the certificate for the DNS name (ACME)", () => {
    const proxies = Object.values<any>(apps.resource.docker_container).filter((c) => c.labels.some((l: any) => l.value === "proxy"));
    expect(proxies).toHaveLength(expected.replicas);
    proxies.forEach((proxy, i) => {
      const ports = proxy.ports.map((p: any) => `${p.ip}:${p.external}->${p.internal}`);
      expect(ports).toEqual(expected.replicas > 1 ? [`10.10.1.${21 + i}:80->80`] : ["0.0.0.0:80->80", "0.0.0.0:443->443"]);
      const caddyfile = proxy.upload.find((u: any) => u.file === "/etc/caddy/Caddyfile").content;
      if (expected.replicas === 1) expect(caddyfile).toMatch(/^api-staging\.acme\.de \{/m);
    });
  });

  test("the containers' stack validates with the real providers, and reaches each server's engine with its host key pinned", () => {
    terraformOk(["init", "-backend=false", "-input=false"], stackDir(`${stack}-apps`));
    terraformOk(["validate"], stackDir(`${stack}-apps`));
    const hosts = ["data", ...Array.from({ length: expected.replicas }, (_, i) => `app-${i + 1}`)];
    expect(apps.provider.docker.map((p: any) => p.alias)).toEqual(hosts);
    for (const provider of apps.provider.docker) {
      const output = (name: string) => expect.stringMatching(new RegExp(`^\\$\\{data\\.terraform_remote_state\\.[^.]+\\.outputs\\.${name}\\}$`));
      const key = provider.alias.replace(/-/g, "_");
      expect(provider.host).toEqual(output(`${key}_ssh`));
      const opts: string[] = provider.ssh_opts;
      expect(opts).toEqual(expect.arrayContaining(["StrictHostKeyChecking=yes", "UserKnownHostsFile=/dev/null", "GlobalKnownHostsFile=/dev/null", "BatchMode=yes"]));
      expect(opts.find((o) => o.startsWith("KnownHostsCommand="))).toMatch(new RegExp(`^KnownHostsCommand=/bin/echo \\$\\{data\\.terraform_remote_state\\.[^.]+\\.outputs\\.${key}_known_hosts\\}$`));
    }
    // Every container goes to a server's engine; none to a default one.
    for (const [type, blocks] of Object.entries<Record<string, { provider?: string }>>(apps.resource).filter(([t]) => t.startsWith("docker_"))) {
      for (const [name, block] of Object.entries(blocks)) expect({ type, name, provider: block.provider }).toEqual({ type, name, provider: expect.stringMatching(/^docker\.(data|app-\d)$/) });
    }
  });
});

test("the schema check itself rejects a broken config (so a pass means something)", () => {
  const file = join(mkdtempSync(join(tmpdir(), "cloud-init-")), "user-data.yaml");
  writeFileSync(file, "#cloud-config\npackages: docker.io\nruncmd: 42\n");
  expect(execa.sync("cloud-init", ["schema", "--config-file", file], { reject: false }).exitCode).not.toBe(0);
});
