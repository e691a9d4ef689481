import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { TerraformResource, TerraformStack, Testing } from "cdktf";
import { environmentStacks } from "../../constructs/backend-stack";
import {
  assumptionsFor, AssumptionName, changeText, costContext, EstimateContext, estimateStack, GCP_TABLE, HETZNER_TABLE, hetznerPrices,
  planCostChange, resourcesFromConfig, StackCost, stackText,
} from "../../lib/cost";
import { DockerEnvironment, Environment, validateEnvironment } from "../../lib/environment";
import hetznerProdFile from "../../environments/hetzner-prod";
import vpsFile from "../../environments/vps";
import { shippedEnvironment } from "../support/shipped-environments";

/*
 * The monthly estimate's arithmetic, per priced resource type, against totals computed by hand from the
 * price tables (lib/cost/prices/); the live Hetzner prices against a local server that answers like
 * Hetzner's pricing API; what has no price listed, never counted as zero; and a plan's cost change.
 */

const ROOT = join(__dirname, "..", "..");
const TODAY = "2026-12-01";

const context = (over: Partial<EstimateContext> = {}, usage: Partial<Record<AssumptionName, number>> = {}): EstimateContext => ({
  stack: "test", target: "hetzner", part: "main", assumptions: assumptionsFor(usage), hetzner: HETZNER_TABLE, gcp: GCP_TABLE, today: TODAY, ...over,
});
const estimate = (resource: Record<string, Record<string, Record<string, unknown>>>, ctx = context()) => estimateStack(resourcesFromConfig({ resource }), ctx);
/** Each item's month, by key: what the tests compare with their hand-computed figures. */
const byKey = (cost: StackCost) => Object.fromEntries(cost.items.map((i) => [i.key, i.monthlyEur]));
const sum = (...amounts: number[]) => Math.round(amounts.reduce((a, b) => a + b, 0) * 100) / 100;

/** A synthesized stack of a shipped environment, as cdktf writes cdk.tf.json; `extend` adds to it first. */
function synthesized(envName: string, stackName = envName, extend?: (stack: TerraformStack) => void) {
  const env = shippedEnvironment(envName);
  const stacks = environmentStacks(Testing.app(), env);
  const stack = stacks.find((s) => s.node.id === stackName)!;
  extend?.(stack);
  return { env, config: JSON.parse(Testing.synth(stack)), part: stackName === envName ? ("main" as const) : ("apps" as const) };
}
function shippedCost(envName: string, stackName = envName, extend?: (stack: TerraformStack) => void): StackCost {
  const { env, config, part } = synthesized(envName, stackName, extend);
  return estimateStack(resourcesFromConfig(config), costContext(env, { name: stackName, part }, { today: TODAY }));
}

describe("Hetzner: each priced resource type against the table of 2026-09-29", () => {
  const cost = estimate({
    hcloud_server: {
      data: { server_type: "cx33", location: "fsn1", backups: true, public_net: [{ ipv4_enabled: true, ipv6_enabled: true }] },
      app: { server_type: "cx23", location: "nbg1", public_net: [{ ipv4_enabled: true, ipv4: "${hcloud_primary_ip.ipv4.id}", ipv6: "${hcloud_primary_ip.ipv6.id}" }] },
    },
    hcloud_primary_ip: { ipv4: { type: "ipv4", location: "nbg1", assignee_type: "server" }, ipv6: { type: "ipv6", location: "nbg1", assignee_type: "server" } },
    hcloud_volume: { data: { size: 40, location: "fsn1" } },
    hcloud_load_balancer: { app: { load_balancer_type: "lb11", network_zone: "eu-central" } },
    s3_bucket: { data: { bucket: "acme-data" }, backups: { bucket: "acme-data-backups" }, offsite: { bucket: "acme-data-offsite" } },
    hcloud_firewall: { app: {}, data: {} },
  }, context({}, { bucketGb: 900, backupGb: 300, egressGb: 50_000 }));

  test("servers by type and location, backups at 20 %, the IPv4 a server gets, IPs, volumes per GB, load balancer, Object Storage, traffic", () => {
    expect(byKey(cost)).toEqual({
      "hcloud_server.data#server": 8.49, // cx33
      "hcloud_server.data#backups": 1.7, // 20 % of 8.49 = 1.698
      "hcloud_server.app#server": 5.49, // cx23
      "hcloud_primary_ip.ipv4#ip": 0.5,
      "hcloud_primary_ip.ipv6#ip": 0, // Hetzner charges nothing for IPv6
      "hcloud_volume.data#volume": 2.29, // 40 GB × 0.0572 = 2.288
      "hcloud_load_balancer.app#load-balancer": 7.49, // lb11 in eu-central
      "hcloud_server.data#ipv4": 0.5, // created with the server: it names no primary IP
      "pool:hetzner-traffic#beyond": 10, // 50 TB out, 2 × 20 TB included: 10 TB × €1.00
      "pool:hetzner-object-storage#base": 6.49, // once for the account
      "pool:hetzner-object-storage#storage": 8.89, // 900 + 300 + (900 + 300) off-site = 2.4 TB, 1.4 TB beyond × €0.0087 × 730 h = 8.8914
    });
    expect(cost.monthlyEur).toBe(51.84);
    expect(cost.monthlyEur).toBe(sum(8.49, 1.7, 5.49, 0.5, 0, 2.29, 7.49, 0.5, 10, 6.49, 8.89));
    expect(cost.notPriced).toEqual([]);
    expect(cost.noCharge).toEqual([{ type: "hcloud_firewall", count: 2, why: "firewalls are free" }]);
  });

  test("an IP that names its server (assignee_id) is that server's IPv4: the server gets no second one", () => {
    const cost = estimate({
      hcloud_server: { api: { server_type: "cx23", location: "fsn1" } },
      hcloud_primary_ip: { api: { type: "ipv4", location: "fsn1", assignee_type: "server", assignee_id: "${hcloud_server.api.id}" } },
    });
    expect(byKey(cost)).toEqual({ "hcloud_server.api#server": 5.49, "hcloud_primary_ip.api#ip": 0.5, "pool:hetzner-traffic#beyond": 0 });
  });

  test("every line says what it is, how many, the unit price, and names its resource", () => {
    expect(cost.items.find((i) => i.key === "hcloud_volume.data#volume")).toEqual({
      key: "hcloud_volume.data#volume", address: "hcloud_volume.data", type: "hcloud_volume", what: "volume of 40 GB", label: "40 GB",
      quantity: 40, unit: "GB", unitPriceEur: 0.0572, monthlyEur: 2.29,
    });
    expect(cost.pricesAsOf).toBe("2026-09-29");
    expect(cost.priceSources.join("\n")).toMatch(/^Hetzner price table of 2026-09-29 .*\nHetzner Object Storage prices of 2026-09-29/);
  });

  test("the shipped Hetzner environments, from their synthesized configuration", () => {
    const prod = shippedCost("hetzner-prod");
    // 3 × cx33 + backups of the data server + 3 IPv4 created with the servers + 40 GB volume + lb11 + Object Storage's base
    expect(prod.monthlyEur).toBe(sum(3 * 8.49, 1.7, 3 * 0.5, 2.29, 7.49, 6.49));
    expect(prod.notPriced).toEqual([]);
    const staging = shippedCost("hetzner-staging");
    // 2 × cx23 + backups of the data server (1.098) + its IPv4 + the app server's primary IPv4 and IPv6 + 10 GB (0.572) + Object Storage's base
    expect(staging.monthlyEur).toBe(sum(2 * 5.49, 1.1, 0.5, 0.5, 0, 0.57, 6.49));
    // The containers' stack runs on those servers: nothing of its own, nothing unpriced.
    const apps = shippedCost("hetzner-prod", "hetzner-prod-apps");
    expect(apps).toMatchObject({ monthlyEur: 0, items: [], notPriced: [] });
    expect(apps.noCharge.map((f) => f.type)).toEqual(expect.arrayContaining(["docker_container", "docker_image", "docker_network"]));
  });

  test("a resource `extend` adds is priced from the synthesized configuration like the constructs' own", () => {
    const cost = shippedCost("hetzner-prod", "hetzner-prod-apps", (stack) => {
      const scratch = new TerraformResource(stack, "scratch", { terraformResourceType: "hcloud_volume" });
      scratch.addOverride("size", 100);
      scratch.addOverride("location", "fsn1");
    });
    expect(byKey(cost)).toEqual({ "hcloud_volume.scratch#volume": 5.72 }); // 100 GB × 0.0572
  });
});

describe("Google Cloud: each priced resource type in europe-west3, USD list prices at USD 1.1605 = EUR 1", () => {
  const run = (resources: Record<string, unknown>) => ({ location: "europe-west3", template: { containers: [{ image: "app:1", resources }], scaling: { min_instance_count: 2 } } });
  const cost = estimate({
    google_cloud_run_v2_service: {
      app: run({ limits: { cpu: "1", memory: "512Mi" } }),
      idle: { location: "europe-west3", template: { containers: [{ resources: { cpu_idle: true, limits: { cpu: "1", memory: "512Mi" } } }], scaling: { min_instance_count: 1 } } },
    },
    google_cloud_run_v2_worker_pool: { jobs: { location: "europe-west3", scaling: { scaling_mode: "MANUAL", manual_instance_count: 1 }, template: { containers: [{ resources: { limits: { cpu: "1", memory: "512Mi" } } }] } } },
    google_sql_database_instance: { db: { region: "europe-west3", settings: { tier: "db-custom-1-3840", availability_type: "REGIONAL", disk_size: 20, backup_configuration: { enabled: true } } } },
    google_storage_bucket: { data: { name: "acme-data", location: "EU" }, logs: { name: "acme-data-access-logs", location: "europe-west3" } },
    google_compute_global_forwarding_rule: { https: { load_balancing_scheme: "EXTERNAL_MANAGED", port_range: "443" } },
    google_dns_managed_zone: { zone: { dns_name: "acme.eu." } },
    google_redis_instance: { cache: { region: "europe-west3", tier: "BASIC", memory_size_gb: 1 } },
    google_secret_manager_secret_version: { url: { secret: "${google_secret_manager_secret.url.id}" } },
    google_project_iam_member: { viewer: {} },
  }, context({ target: "gcp", gcpRegion: "europe-west3" }));

  test("Cloud Run, Cloud SQL, Cloud Storage, the load balancer, Cloud DNS, Memorystore, Secret Manager, egress", () => {
    expect(byKey(cost)).toEqual({
      // resources set without cpu_idle: CPU always allocated, Tier 2 instance-based: (0.0000252 + 0.5 GiB × 0.0000028) × 2,628,000 s = $69.9048 = €60.2368 an instance
      "google_cloud_run_v2_service.app#min-instances": 120.47,
      // 1,000,000 requests × 0.2 s / 80 at a time = 2,500 instance-seconds: within the two instances, and no per-request fee
      "google_cloud_run_v2_service.app#requests": 0,
      // cpu_idle: idle minimum instance (0.0000035 + 0.5 × 0.0000035) × 2,628,000 = $13.797 = €11.889
      "google_cloud_run_v2_service.idle#min-instances": 11.89,
      // 2,500 busy seconds × (0.0000336 + 0.5 × 0.0000035) = $0.088375 = €0.0762
      "google_cloud_run_v2_service.idle#active": 0.08,
      // 1 million requests × $0.40 = €0.3447
      "google_cloud_run_v2_service.idle#requests": 0.34,
      "google_cloud_run_v2_worker_pool.jobs#instances": 60.24,
      // REGIONAL doubles: 2 vCPU × $0.04956 × 730 h = $72.3576 = €62.35; 2 × 3.75 GB × $0.0084 × 730 = $45.99 = €39.63;
      // 2 × 20 GB × $0.204 = $8.16 = €7.03; backups 20 GB × $0.096 = $1.92 = €1.65
      "google_sql_database_instance.db#vcpu": 62.35,
      "google_sql_database_instance.db#memory": 39.63,
      "google_sql_database_instance.db#storage": 7.03,
      "google_sql_database_instance.db#backups": 1.65,
      "google_storage_bucket.data#storage": 0.22, // 10 GB in EU × $0.026 = $0.26
      "google_storage_bucket.logs#storage": 0.02, // 1 GB of access logs in europe-west3 × $0.023
      "pool:gcp-forwarding-rules#first-five": 15.73, // $0.025 × 730 h = $18.25, for up to five rules
      "google_dns_managed_zone.zone#zone": 0.17, // $0.20
      "google_redis_instance.cache#memory": 36.99, // 1 GB × $0.0588 × 730 h = $42.924
      "google_secret_manager_secret_version.url#version": 0.05, // $0.06
      "pool:gcp-egress#internet": 10.34, // 100 GB × $0.12, once, through the load balancer
      "pool:gcp-egress#load-balancer-data": 0.69, // 100 GB × $0.008
    });
    expect(cost.monthlyEur).toBe(sum(120.47, 0, 11.89, 0.08, 0.34, 60.24, 62.35, 39.63, 7.03, 1.65, 0.22, 0.02, 15.73, 0.17, 36.99, 0.05, 10.34, 0.69));
    expect(cost.noCharge).toEqual([{ type: "google_project_iam_member", count: 1, why: "IAM is free" }]);
    expect(cost.priceSources.join()).toContain("USD 1.1605 = EUR 1: the ECB reference rate for the week of 2026-08-20");
    expect(cost.pricesAsOf).toBe("2026-08-20");
  });

  test("the shipped gcp-prod from its synthesized configuration: the Cloud Run service, Cloud SQL, buckets, load balancer, zone, secrets", () => {
    const prod = shippedCost("gcp-prod");
    const types = new Set(prod.items.map((i) => i.type));
    expect([...types].sort()).toEqual([
      "gcp_internet_egress", "gcp_load_balancer_data", "google_cloud_run_v2_service", "google_compute_global_forwarding_rule", "google_dns_managed_zone",
      "google_secret_manager_secret_version", "google_sql_database_instance", "google_storage_bucket",
    ]);
    expect(prod.monthlyEur).toBe(sum(...prod.items.map((i) => i.monthlyEur)));
    // The project's log bucket is billed by volume ingested: said, not counted as zero.
    expect(prod.notPriced.map((n) => n.type)).toEqual(["google_logging_project_bucket_config"]);
  });
});

describe("what has no price is listed, never counted as zero", () => {
  test("an unknown type, a location or type the table lacks, values known only at apply, an expression for count", () => {
    const cost = estimate({
      aws_s3_bucket: { exports: { bucket: "exports" } },
      hcloud_server: {
        singapore: { server_type: "cx23", location: "sin" },
        later: { server_type: "${var.size}", location: "fsn1" },
        many: { server_type: "cx23", location: "fsn1", count: "${var.n}" },
      },
      hcloud_load_balancer: { big: { load_balancer_type: "lb31", location: "fsn1" } },
      google_storage_bucket: { belgium: { name: "b", location: "europe-west1" } },
      google_cloud_run_v2_job: { release: { location: "europe-west3" } },
    });
    expect(cost.items).toEqual([]);
    expect(cost.monthlyEur).toBe(0);
    expect(cost.notPriced).toEqual([
      { address: "aws_s3_bucket.exports", type: "aws_s3_bucket", reason: "no price for resource type aws_s3_bucket in this estimate" },
      { address: "hcloud_server.singapore", type: "hcloud_server", reason: "no price for server type cx23 in sin in the price table; with HCLOUD_TOKEN set the live prices are read" },
      { address: "hcloud_server.later", type: "hcloud_server", reason: "server_type is known only at apply" },
      { address: "hcloud_server.many", type: "hcloud_server", reason: 'count is "${var.n}", known only at apply' },
      { address: "hcloud_load_balancer.big", type: "hcloud_load_balancer", reason: "no price for load balancer type lb31 in fsn1 in the price table; with HCLOUD_TOKEN set the live prices are read" },
      { address: "google_storage_bucket.belgium", type: "google_storage_bucket", reason: "no prices for region europe-west1 in the table (it has europe-west3)" },
      { address: "google_cloud_run_v2_job.release", type: "google_cloud_run_v2_job", reason: "billed per execution (the release command runs once per deploy): not estimated" },
    ]);
    const text = stackText("odd", cost).join("\n");
    expect(text).toContain("odd: €0.00 a month");
    expect(text).toContain("  not priced (7):\n    - aws_s3_bucket.exports (aws_s3_bucket): no price for resource type aws_s3_bucket in this estimate");
  });

  test("a resource `extend` adds with no price is listed by its address", () => {
    const cost = shippedCost("gcp-prod", "gcp-prod", (stack) => {
      new TerraformResource(stack, "batch", { terraformResourceType: "google_compute_instance" }).addOverride("zone", "europe-west3-a");
    });
    expect(cost.notPriced).toContainEqual({ address: "google_compute_instance.batch", type: "google_compute_instance", reason: "no price for resource type google_compute_instance in this estimate" });
  });

  test("Docker: containers cost nothing of their own; the host is priced from host.monthlyEur, else listed", () => {
    const shipped = shippedEnvironment("vps") as DockerEnvironment;
    const vps = { ...shipped, host: { ...shipped.host, monthlyEur: undefined } } as DockerEnvironment; // the shipped file names 5.99
    const resources = resourcesFromConfig({ resource: { docker_container: { app: {}, proxy: {} }, docker_volume: { data: {} }, hcloud_zone_rrset: { a: {} } } });
    const unpriced = estimateStack(resources, costContext(vps, { name: "vps", part: "main" }, { today: TODAY }));
    expect(unpriced.items).toEqual([]);
    expect(unpriced.notPriced).toEqual([{ address: "ssh://deploy@203.0.113.10", type: "docker_host", reason: `the Docker host's price is not known: set host.monthlyEur in ${vps.file} (what the machine or VPS costs a month)` }]);
    expect(unpriced.noCharge).toEqual([
      { type: "docker_container", count: 2, why: "runs on the Docker host (priced as the host)" },
      { type: "docker_volume", count: 1, why: "runs on the Docker host (priced as the host)" },
      { type: "hcloud_zone_rrset", count: 1, why: "Hetzner DNS is free" },
    ]);
    const priced = estimateStack(resources, costContext({ ...vps, host: { ...vps.host, monthlyEur: 6.49 } } as Environment, { name: "vps", part: "main" }, { today: TODAY }));
    expect(priced).toMatchObject({ monthlyEur: 6.49, notPriced: [], pricesAsOf: TODAY, items: [{ key: "host#docker", what: "Docker host ssh://deploy@203.0.113.10 (host.monthlyEur in the environment file)", monthlyEur: 6.49 }] });
  });
});

describe("usage assumptions: stated defaults, the environment file's `cost` block overriding them, always listed", () => {
  test("defaults, and which came from the file", () => {
    const a = assumptionsFor({ egressGb: 2000 });
    expect(a.egressGb).toEqual({ value: 2000, from: "environment file", meaning: "GB served to the internet per month" });
    expect(a.bucketGb).toMatchObject({ value: 10, from: "default" });
    const text = stackText("s", estimate({})).join("\n");
    for (const name of ["bucketGb", "backupGb", "logsGb", "egressGb", "requestsPerMonth", "requestSeconds"]) expect(text).toContain(`    - ${name} = `);
  });

  test("a `cost` block (and a Docker host's monthlyEur) is part of the environment file's schema, and reaches the estimate", () => {
    const env = validateEnvironment({ ...hetznerProdFile, cost: { bucketGb: 2000 } }, "environments/hetzner-prod.ts");
    expect(() => validateEnvironment({ ...hetznerProdFile, cost: { bucketGB: 1, egressGb: -1 } }, "environments/hetzner-prod.ts")).toThrow([
      "environments/hetzner-prod.ts: 2 problems, no stack was synthesized:",
      "  - cost.egressGb: -1 — expected at least 0",
      "  - cost.bucketGB: 1 — unknown field; allowed here: bucketGb, backupGb, logsGb, egressGb, requestsPerMonth, requestSeconds",
    ].join("\n"));
    expect(validateEnvironment({ ...vpsFile, host: { ...vpsFile.host, monthlyEur: 5.99 } }, "environments/vps.ts")).toMatchObject({ host: { monthlyEur: 5.99 } });
    expect(() => validateEnvironment({ ...vpsFile, host: { ...vpsFile.host, monthlyEur: "5.99" } }, "environments/vps.ts")).toThrow(/host\.monthlyEur: "5\.99"/);
    const ctx = costContext(env, { name: "hetzner-prod", part: "main" }, { today: TODAY });
    expect(ctx.assumptions.bucketGb).toMatchObject({ value: 2000, from: "environment file" });
    // 2000 + 20 + (2000 + 20) = 4.04 TB, 3.04 beyond the included TB × €6.351
    expect(byKey(estimate({ s3_bucket: { d: { bucket: "x-data" }, b: { bucket: "x-backups" }, o: { bucket: "x-offsite" } } }, ctx))["pool:hetzner-object-storage#storage"]).toBe(19.31);
  });
});

describe("a plan's cost change, from its before and after values", () => {
  const server = { server_type: "cx33", location: "fsn1", backups: false, public_net: [{ ipv4_enabled: true, ipv4: "1001" }] };
  const change = (address: string, actions: string[], before: unknown, after: unknown, after_unknown: unknown = {}) =>
    ({ address, mode: "managed", type: address.split(".")[0], change: { actions, before, after, after_unknown } });

  test("adding a load balancer: +€7.49/month, named by its address and type", () => {
    const cost = planCostChange({
      resource_changes: [
        change("hcloud_server.app", ["no-op"], server, server),
        change("hcloud_load_balancer.app", ["create"], null, { load_balancer_type: "lb11", location: "fsn1" }, { id: true }),
        change("random_password.db", ["no-op"], { length: 32 }, { length: 32 }),
      ],
    }, context());
    // before: cx33 8.49 + its IPv4 0.50 (+ traffic within the included, €0)
    expect(cost).toMatchObject({ monthlyEurBefore: 8.99, monthlyEurAfter: 16.48, deltaEur: 7.49, changes: [{ address: "hcloud_load_balancer.app", label: "lb11", deltaEur: 7.49 }] });
    expect(changeText(cost, (a) => `\`${a}\``)).toBe("+€7.49/month: `hcloud_load_balancer.app` lb11");
  });

  test("a resize and a removal: each resource's change named (a server's price and backups together), the largest first, the total first", () => {
    const cost = planCostChange({
      resource_changes: [
        change("hcloud_server.app", ["update"], { ...server, server_type: "cx23", backups: true }, { ...server, backups: true }),
        change("hcloud_volume.old", ["delete"], { size: 10, location: "fsn1" }, null),
      ],
    }, context());
    expect(cost.changes).toEqual([
      // 5.49 → 8.49, and its backups 1.10 → 1.70
      { key: "hcloud_server.app", address: "hcloud_server.app", label: "cx23 → cx33", deltaEur: 3.6 },
      { key: "hcloud_volume.old", address: "hcloud_volume.old", label: "10 GB (removed)", deltaEur: -0.57 },
    ]);
    expect(changeText(cost)).toBe("+€3.03/month in all: +€3.60 hcloud_server.app cx23 → cx33, -€0.57 hcloud_volume.old 10 GB (removed)");
  });

  test("what a plan leaves to the provider takes the provider's default; a value known only at apply is not guessed", () => {
    const cost = planCostChange({
      resource_changes: [
        change("google_cloud_run_v2_service.app", ["create"], null,
          { location: "europe-west3", template: [{ containers: [{ image: "app:1", resources: [{ limits: { cpu: "1", memory: "512Mi" } }] }], scaling: [{ min_instance_count: 1 }] }] },
          { template: [{ containers: [{ resources: [{ cpu_idle: true }] }], max_instance_request_concurrency: true }] }),
        change("hcloud_server.later", ["create"], null, { location: "fsn1" }, { server_type: true }),
      ],
    }, context({ target: "gcp", gcpRegion: "europe-west3" }));
    // cpu_idle left to Cloud Run with resources set: CPU always allocated, one instance €60.24; without a load balancer the egress (€10.34) goes with the service
    expect(cost.changes).toEqual([{ key: "google_cloud_run_v2_service.app", address: "google_cloud_run_v2_service.app", label: "1 × 1 vCPU, 0.5 GiB", deltaEur: 70.58 }]);
    expect(cost.notPriced).toEqual([{ address: "hcloud_server.later", type: "hcloud_server", reason: "server_type is known only at apply" }]);
  });

  test("a plan that changes nothing priced: no change", () => {
    const cost = planCostChange({ resource_changes: [change("hcloud_server.app", ["no-op"], server, server)] }, context());
    expect(changeText(cost)).toBe("no change");
  });
});

describe("live Hetzner prices: GET /pricing of a local server that answers like Hetzner's pricing API", () => {
  const price = (net: string) => ({ net, gross: (Number(net) * 1.19).toFixed(4) });
  const at = (location: string, net: string) => ({ location, price_hourly: price("0.0100"), price_monthly: price(net), included_traffic: 21990232555520, price_per_tb_traffic: price("1.0000") });
  const PRICING = {
    pricing: {
      currency: "EUR", vat_rate: "19.00",
      image: { price_per_gb_month: price("0.0140") },
      floating_ip: { price_monthly: price("3.5700") },
      floating_ips: [{ type: "ipv4", prices: [{ location: "fsn1", price_monthly: price("3.5700") }] }],
      primary_ips: [
        { type: "ipv4", prices: [{ location: "fsn1", price_hourly: price("0.0010"), price_monthly: price("0.6000") }, { location: "nbg1", price_hourly: price("0.0010"), price_monthly: price("0.6000") }] },
        // Older answers priced primary IPs per datacenter.
        { type: "ipv6", prices: [{ datacenter: "nbg1-dc3", price_hourly: price("0.0000"), price_monthly: price("0.0000") }] },
      ],
      server_backup: { percentage: "20.00" },
      server_types: [
        { id: 1, name: "cx23", prices: [at("fsn1", "6.4900"), at("nbg1", "6.4900")] },
        { id: 2, name: "cx33", prices: [at("fsn1", "9.9900"), at("nbg1", "9.9900")] },
      ],
      load_balancer_types: [{ id: 1, name: "lb11", prices: [{ location: "fsn1", price_hourly: price("0.0120"), price_monthly: price("8.4900") }] }],
      traffic: { price_per_tb: price("1.0000") },
      volume: { price_per_gb_month: price("0.0600") },
    },
  };

  let server: Server;
  let endpoint: string;
  const requests: IncomingMessage[] = [];
  let answer: { status: number; body: unknown } = { status: 200, body: PRICING };
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req);
      const ok = req.method === "GET" && req.url === "/v1/pricing";
      res.writeHead(ok ? answer.status : 404, { "content-type": "application/json" }).end(JSON.stringify(ok ? answer.body : { error: { code: "not_found", message: "not found" } }));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => server.close());
  beforeEach(() => { requests.length = 0; answer = { status: 200, body: PRICING }; });

  test("with HCLOUD_TOKEN, the prices come from the API at HCLOUD_ENDPOINT, and the estimate says so", async () => {
    const { prices, warning } = await hetznerPrices({ HCLOUD_TOKEN: "t0k", HCLOUD_ENDPOINT: endpoint }, TODAY);
    expect(warning).toBeUndefined();
    expect(requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([["GET", "/v1/pricing", "Bearer t0k"]]);
    const cost = estimate({
      hcloud_server: { data: { server_type: "cx33", location: "fsn1", backups: true } },
      hcloud_load_balancer: { app: { load_balancer_type: "lb11", location: "fsn1" } },
      hcloud_volume: { data: { size: 10, location: "fsn1" } },
      hcloud_floating_ip: { spare: { type: "ipv4", home_location: "fsn1" } },
      hcloud_primary_ip: { v6: { type: "ipv6", location: "nbg1" } },
    }, context({ hetzner: prices }));
    expect(byKey(cost)).toEqual({
      "hcloud_server.data#server": 9.99,
      "hcloud_server.data#backups": 2, // 20 % of 9.99 = 1.998
      "hcloud_load_balancer.app#load-balancer": 8.49,
      "hcloud_volume.data#volume": 0.6, // 10 GB × 0.06
      "hcloud_floating_ip.spare#ip": 3.57, // not in the table: priced only live
      "hcloud_primary_ip.v6#ip": 0,
      "hcloud_server.data#ipv4": 0.6,
      "pool:hetzner-traffic#beyond": 0, // 0.1 TB within 20 TiB
    });
    expect(cost.pricesAsOf).toBe(TODAY);
    expect(cost.priceSources).toEqual([`Hetzner pricing API (GET ${endpoint}/pricing), read ${TODAY}; net of VAT`]);
  });

  test("without HCLOUD_TOKEN the table is used and nothing is asked", async () => {
    expect(await hetznerPrices({ HCLOUD_ENDPOINT: endpoint }, TODAY)).toEqual({ prices: HETZNER_TABLE });
    expect(requests).toEqual([]);
  });

  test("an answer that cannot be used falls back to the table, saying why, never showing the token", async () => {
    answer = { status: 401, body: { error: { code: "unauthorized", message: "unable to authenticate" } } };
    const refused = await hetznerPrices({ HCLOUD_TOKEN: "t0k-secret", HCLOUD_ENDPOINT: endpoint }, TODAY);
    expect(refused.prices).toMatchObject({ live: false, asOf: HETZNER_TABLE.asOf, serverTypes: HETZNER_TABLE.serverTypes });
    expect(refused.warning).toBe(`Hetzner's live prices could not be read, so the price table is used: GET ${endpoint}/pricing: HTTP 401 unauthorized: unable to authenticate`);
    expect(refused.prices.source).toContain("HCLOUD_TOKEN is set but the live prices could not be read (GET");
    expect(JSON.stringify(refused)).not.toContain("t0k-secret");

    answer = { status: 200, body: { pricing: { ...PRICING.pricing, currency: "USD" } } };
    expect((await hetznerPrices({ HCLOUD_TOKEN: "t0k", HCLOUD_ENDPOINT: endpoint }, TODAY)).warning).toContain("the pricing API answers in USD; the estimate is in EUR");
    answer = { status: 200, body: { servers: [] } };
    expect((await hetznerPrices({ HCLOUD_TOKEN: "t0k", HCLOUD_ENDPOINT: endpoint }, TODAY)).warning).toContain(`GET ${endpoint}/pricing: not the pricing API's answer`);
  });

  test("npm run cost with HCLOUD_TOKEN: the live prices, said at the top and in cost.json", async () => {
    // The synthesized stacks where the command reads them (--no-synth: this test synthesizes them itself).
    const out = mkdtempSync(join(tmpdir(), "cost-cli-"));
    for (const stackName of ["hetzner-staging", "hetzner-staging-apps"]) {
      const { config } = synthesized("hetzner-staging", stackName);
      mkdirSync(join(out, "stacks", stackName), { recursive: true });
      writeFileSync(join(out, "stacks", stackName, "cdk.tf.json"), JSON.stringify(config));
    }
    const run = await execa("node", ["scripts/cdktf-app.cjs", "scripts/cost.ts", "hetzner-staging", "--no-synth"], {
      cwd: ROOT, reject: false, env: { CDKTF_OUTDIR: out, HCLOUD_TOKEN: "t0k", HCLOUD_ENDPOINT: endpoint },
    });
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`Hetzner prices: live, from the pricing API (HCLOUD_TOKEN is set), read `);
    // 2 × cx23 (6.49) + backups (1.298) + the data server's IPv4 (0.60) + the primary IPv4 (0.60) and IPv6 + 10 GB × 0.06 + Object Storage's base (table)
    expect(run.stdout).toContain(`hetzner-staging (hetzner, machines): €${sum(2 * 6.49, 1.3, 0.6, 0.6, 0, 0.6, 6.49)} a month`);
    expect(run.stdout).toContain("hetzner-staging (hetzner-staging + hetzner-staging-apps): €");
    const written = JSON.parse(readFileSync(join(out, "cost.json"), "utf8"));
    expect(Object.keys(written.stacks)).toEqual(["hetzner-staging", "hetzner-staging-apps"]);
    expect(written.stacks["hetzner-staging"]).toMatchObject({ monthlyEur: 22.57, environment: "hetzner-staging", target: "hetzner" });
    expect(written.stacks["hetzner-staging"].priceSources[0]).toMatch(/^Hetzner pricing API \(GET http:\/\/127\.0\.0\.1:\d+\/v1\/pricing\), read \d{4}-\d{2}-\d{2}; net of VAT$/);
    expect(Object.keys(written.stacks["hetzner-staging"])).toEqual(expect.arrayContaining(["monthlyEur", "items", "assumptions", "pricesAsOf", "notPriced"]));
  }, 60_000);
});
