import { costItem, HOURS_PER_MONTH, SECONDS_PER_MONTH, usdToEur } from "./arithmetic";
import { bucketRole, booleanAt, numberAt, PoolPricer, PricingContext, ResourcePricer, stringAt, Unpriceable } from "./pricing";
import { GcpRegionPrices } from "./prices/gcp";
import { blocksAt, isExpression, ResourceInput, UNKNOWN, valueAt } from "./resources";
import { CostItem } from "./types";

/*
 * Google Cloud's resources, in euros for the resource's region: Cloud Run services (minimum instances, whose
 * CPU is always allocated unless `cpu_idle` says otherwise, and the requests beyond what they absorb) and
 * worker pools; Cloud SQL (custom tier's vCPUs and memory, storage, high availability doubling both,
 * backups); Cloud Storage; the load balancer's forwarding rule and the traffic it serves; Cloud DNS zones;
 * Memorystore; Secret Manager's secret versions.
 */

const EGRESS = "gcp-egress";
const FORWARDING_RULES = "gcp-forwarding-rules";

/** The region a resource is in: its own (`location`, `region`), else the environment's. */
function regionOf(r: ResourceInput, ctx: PricingContext): string {
  for (const key of ["region", "location"]) {
    const v = valueAt(r.values, key);
    if (v === UNKNOWN) continue; // left to the provider: the provider's region
    if (typeof v === "string" && v !== "" && !isExpression(v)) return v;
    if (isExpression(v)) throw new Unpriceable(`${key} is known only at apply`);
  }
  if (ctx.gcpRegion) return ctx.gcpRegion;
  throw new Unpriceable("no region set");
}

function regionPrices(region: string, ctx: PricingContext): GcpRegionPrices {
  const prices = ctx.gcp.regions[region];
  if (!prices) throw new Unpriceable(`no prices for region ${region} in the table (it has ${Object.keys(ctx.gcp.regions).join(", ")})`);
  return prices;
}

const toEur = (usd: number, ctx: PricingContext) => usdToEur(usd, ctx.gcp.usdPerEur);

/** "1", "2", "1000m" → vCPUs. */
export function cpuCount(value: unknown): number {
  if (isExpression(value)) throw new Unpriceable("the CPU limit is known only at apply");
  const text = String(value ?? "1");
  const n = text.endsWith("m") ? Number(text.slice(0, -1)) / 1000 : Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Unpriceable(`CPU limit ${JSON.stringify(value)} is not a number of vCPUs`);
  return n;
}

/** "512Mi", "1Gi", "2G", "1000M" → GiB. */
export function memoryGib(value: unknown): number {
  if (isExpression(value)) throw new Unpriceable("the memory limit is known only at apply");
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(value ?? "512Mi"));
  if (!match) throw new Unpriceable(`memory limit ${JSON.stringify(value)} is not a size`);
  const factor: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return (Number(match[1]) * (match[2] ? factor[match[2]] : 1)) / 2 ** 30;
}

/** vCPUs and GiB of a revision template's containers, and whether CPU is always allocated. */
function shape(r: ResourceInput) {
  const containers = blocksAt(r.values, "template", "containers");
  if (containers.length === 0) containers.push({});
  let vcpu = 0;
  let gib = 0;
  let anyResources = false;
  let cpuIdle: unknown;
  for (const c of containers) {
    const resources = valueAt(c, "resources");
    // Set in the configuration: an object (synth) or a list of one (plan); a plan's unknown or empty list is not.
    if (Array.isArray(resources) ? resources.length > 0 : resources !== null && typeof resources === "object") anyResources = true;
    vcpu += cpuCount(valueAt(c, "resources", "limits", "cpu"));
    gib += memoryGib(valueAt(c, "resources", "limits", "memory"));
    const idle = valueAt(c, "resources", "cpu_idle");
    if (idle !== UNKNOWN) cpuIdle ??= idle; // a plan's "known after apply": left to Cloud Run's default
  }
  if (isExpression(cpuIdle)) throw new Unpriceable("cpu_idle is known only at apply");
  // Cloud Run: cpu_idle is true by default, but when `resources` is set it must be set true explicitly
  // to keep that default; left out there, CPU is always allocated (instance-based billing).
  const alwaysAllocated = anyResources ? cpuIdle !== true : cpuIdle === false;
  return { vcpu, gib, alwaysAllocated };
}

const cloudRunService: ResourcePricer = (r, ctx) => {
  const region = regionOf(r, ctx);
  const run = regionPrices(region, ctx).cloudRun;
  const { vcpu, gib, alwaysAllocated } = shape(r);
  const min = numberAt(r, ["template", "scaling", "min_instance_count"], 0);
  const concurrency = numberAt(r, ["template", "max_instance_request_concurrency"], 80);
  const a = ctx.assumptions;
  const size = `${vcpu} vCPU, ${+gib.toFixed(3)} GiB`;
  const items: CostItem[] = [];
  // The requests' load in instance-seconds: each keeps an instance busy requestSeconds, `concurrency` at a time.
  const loadSeconds = (a.requestsPerMonth.value * a.requestSeconds.value) / concurrency;
  if (alwaysAllocated) {
    const instanceMonth = toEur((vcpu * run.instanceVcpuSecond + gib * run.instanceGibSecond) * SECONDS_PER_MONTH, ctx);
    if (min > 0) {
      items.push(costItem({ key: `${r.address}#min-instances`, address: r.address, type: r.type, what: `Cloud Run minimum instances (${size}, CPU always allocated) in ${region}`, label: `${min} × ${size}`, quantity: min, unit: "instance-month", unitPriceEur: instanceMonth }));
    }
    const beyond = Math.max(0, loadSeconds - min * SECONDS_PER_MONTH);
    items.push(costItem({
      key: `${r.address}#requests`, address: r.address, type: r.type,
      what: beyond > 0 ? `Cloud Run instances beyond the minimum for ${a.requestsPerMonth.value.toLocaleString("en")} requests (CPU always allocated: no per-request fee)` : `Cloud Run: ${a.requestsPerMonth.value.toLocaleString("en")} requests, within the minimum instances (CPU always allocated: no per-request fee)`,
      label: "requests", quantity: +(beyond / SECONDS_PER_MONTH).toFixed(6), unit: "instance-month", unitPriceEur: instanceMonth,
    }));
  } else {
    if (min > 0) {
      const idleMonth = toEur((vcpu * run.idleVcpuSecond + gib * run.idleGibSecond) * SECONDS_PER_MONTH, ctx);
      items.push(costItem({ key: `${r.address}#min-instances`, address: r.address, type: r.type, what: `Cloud Run minimum instances kept idle (${size}) in ${region}`, label: `${min} × ${size} idle`, quantity: min, unit: "instance-month", unitPriceEur: idleMonth }));
    }
    const activeMonth = toEur((vcpu * run.requestVcpuSecond + gib * run.requestGibSecond) * SECONDS_PER_MONTH, ctx);
    items.push(costItem({ key: `${r.address}#active`, address: r.address, type: r.type, what: `Cloud Run instances busy with ${a.requestsPerMonth.value.toLocaleString("en")} requests (CPU only during requests)`, label: "busy instances", quantity: +(loadSeconds / SECONDS_PER_MONTH).toFixed(6), unit: "instance-month", unitPriceEur: activeMonth }));
    items.push(costItem({ key: `${r.address}#requests`, address: r.address, type: r.type, what: "Cloud Run requests", label: "requests", quantity: a.requestsPerMonth.value / 1e6, unit: "million requests", unitPriceEur: toEur(run.perMillionRequests, ctx) }));
  }
  return { items, pools: [{ pool: EGRESS, address: r.address, data: { via: "service" } }] };
};

const cloudRunWorkerPool: ResourcePricer = (r, ctx) => {
  const region = regionOf(r, ctx);
  const run = regionPrices(region, ctx).cloudRun;
  const { vcpu, gib } = shape(r);
  const count = numberAt(r, ["scaling", "manual_instance_count"], numberAt(r, ["scaling", "min_instance_count"], 0));
  const size = `${vcpu} vCPU, ${+gib.toFixed(3)} GiB`;
  const instanceMonth = toEur((vcpu * run.instanceVcpuSecond + gib * run.instanceGibSecond) * SECONDS_PER_MONTH, ctx);
  return { items: [costItem({ key: `${r.address}#instances`, address: r.address, type: r.type, what: `Cloud Run worker pool instances (${size}) in ${region}`, label: `${count} × ${size}`, quantity: count, unit: "instance-month", unitPriceEur: instanceMonth })] };
};

/** vCPUs and GB of memory of a Cloud SQL tier: db-custom-<vCPUs>-<MB>, db-n1-standard-<n>, db-n1-highmem-<n>. */
export function sqlTierShape(tier: string): { vcpu: number; memoryGb: number } {
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (custom) return { vcpu: Number(custom[1]), memoryGb: Number(custom[2]) / 1024 };
  const n1 = /^db-n1-(standard|highmem)-(\d+)$/.exec(tier);
  if (n1) return { vcpu: Number(n1[2]), memoryGb: Number(n1[2]) * (n1[1] === "standard" ? 3.75 : 6.5) };
  throw new Unpriceable(`tier ${tier} is not a custom or n1 tier (shared-core and Enterprise Plus tiers are not in the table)`);
}

const sqlInstance: ResourcePricer = (r, ctx) => {
  const region = regionOf(r, ctx);
  const sql = regionPrices(region, ctx).cloudSql;
  const edition = stringAt(r, ["settings", "edition"], "ENTERPRISE");
  if (edition !== "ENTERPRISE") throw new Unpriceable(`edition ${edition} is not in the table`);
  const tier = stringAt(r, ["settings", "tier"]);
  const { vcpu, memoryGb } = sqlTierShape(tier);
  const ha = stringAt(r, ["settings", "availability_type"], "ZONAL") === "REGIONAL";
  const copies = ha ? 2 : 1;
  const disk = numberAt(r, ["settings", "disk_size"], 10);
  const hdd = stringAt(r, ["settings", "disk_type"], "PD_SSD") === "PD_HDD";
  const haNote = ha ? ", ×2 for high availability (REGIONAL)" : "";
  const rate = (usd: number) => toEur(usd, ctx);
  const line = (part: string, what: string, quantity: number, unit: string, usd: number) =>
    costItem({ key: `${r.address}#${part}`, address: r.address, type: r.type, what, label: `${tier}${ha ? " REGIONAL" : ""}`, quantity, unit, unitPriceEur: rate(usd) });
  const items = [
    line("vcpu", `Cloud SQL ${tier} vCPUs in ${region}${haNote}`, vcpu * copies, "vCPU-month", sql.vcpuHour * HOURS_PER_MONTH),
    line("memory", `Cloud SQL ${tier} memory in ${region}${haNote}`, +(memoryGb * copies).toFixed(6), "GB-month", sql.memoryGbHour * HOURS_PER_MONTH),
    line("storage", `Cloud SQL ${hdd ? "HDD" : "SSD"} storage, ${disk} GB${haNote}`, disk * copies, "GB-month", hdd ? sql.hddGbMonth : sql.ssdGbMonth),
  ];
  if (booleanAt(r, ["settings", "backup_configuration", "enabled"], false)) {
    items.push(line("backups", `Cloud SQL backups (${ctx.assumptions.backupGb.value} GB assumed)`, ctx.assumptions.backupGb.value, "GB-month", sql.backupGbMonth));
  }
  return { items };
};

const storageBucket: ResourcePricer = (r, ctx) => {
  const location = stringAt(r, ["location"]);
  const storageClass = stringAt(r, ["storage_class"], "STANDARD");
  if (storageClass.toUpperCase() !== "STANDARD") throw new Unpriceable(`storage class ${storageClass} is not in the table`);
  const multi = ctx.gcp.multiRegionStorageGbMonth[location.toUpperCase()];
  const usd = multi ?? regionPrices(location.toLowerCase(), ctx).storageStandardGbMonth;
  const name = stringAt(r, ["name"], "");
  const a = ctx.assumptions;
  const gb = { data: a.bucketGb.value, offsite: a.bucketGb.value, backups: a.backupGb.value, "access-logs": a.logsGb.value }[bucketRole(name)];
  return { items: [costItem({ key: `${r.address}#storage`, address: r.address, type: r.type, what: `Cloud Storage ${location} Standard, ${gb} GB assumed`, label: `${gb} GB in ${location}`, quantity: gb, unit: "GB-month", unitPriceEur: toEur(usd, ctx) })] };
};

const forwardingRule: ResourcePricer = (r) => {
  const scheme = stringAt(r, ["load_balancing_scheme"], "EXTERNAL");
  if (!scheme.startsWith("EXTERNAL")) throw new Unpriceable(`load balancing scheme ${scheme} is not in the table`);
  return { pools: [{ pool: FORWARDING_RULES, address: r.address, data: {} }, { pool: EGRESS, address: r.address, data: { via: "load balancer" } }] };
};

const dnsZone: ResourcePricer = (r, ctx) => ({
  items: [costItem({ key: `${r.address}#zone`, address: r.address, type: r.type, what: `Cloud DNS zone ${String(valueAt(r.values, "dns_name") ?? "")}`.trim(), label: "DNS zone", quantity: 1, unit: "zone", unitPriceEur: toEur(ctx.gcp.dnsZoneMonth, ctx) })],
});

const redis: ResourcePricer = (r, ctx) => {
  const region = regionOf(r, ctx);
  const tier = stringAt(r, ["tier"], "BASIC") as "BASIC" | "STANDARD_HA";
  const gb = numberAt(r, ["memory_size_gb"]);
  const tiers = regionPrices(region, ctx).redis[tier];
  if (!tiers) throw new Unpriceable(`Memorystore tier ${tier} is not in the table`);
  const gbHour = tiers.find((t) => gb <= t.upToGb)!.gbHour;
  return { items: [costItem({ key: `${r.address}#memory`, address: r.address, type: r.type, what: `Memorystore for Redis ${tier} ${gb} GB in ${region}`, label: `${tier} ${gb} GB`, quantity: gb, unit: "GB-month", unitPriceEur: toEur(gbHour * HOURS_PER_MONTH, ctx) })] };
};

const secretVersion: ResourcePricer = (r, ctx) => {
  const prices = ctx.gcpRegion ? ctx.gcp.regions[ctx.gcpRegion] : undefined;
  const usd = prices?.secretVersionMonth ?? Object.values(ctx.gcp.regions)[0]?.secretVersionMonth;
  if (usd === undefined) throw new Unpriceable("no Secret Manager price in the table");
  return { items: [costItem({ key: `${r.address}#version`, address: r.address, type: r.type, what: "Secret Manager active secret version (one replica location)", label: "secret version", quantity: 1, unit: "version", unitPriceEur: toEur(usd, ctx) })] };
};

export const GCP_PRICERS: Readonly<Record<string, ResourcePricer>> = {
  google_cloud_run_v2_service: cloudRunService,
  google_cloud_run_v2_worker_pool: cloudRunWorkerPool,
  google_sql_database_instance: sqlInstance,
  google_storage_bucket: storageBucket,
  google_compute_global_forwarding_rule: forwardingRule,
  google_dns_managed_zone: dnsZone,
  google_redis_instance: redis,
  google_secret_manager_secret_version: secretVersion,
};

/** Internet egress, once per stack: through the load balancer when there is one (with its data processing). */
const egressPool: PoolPricer = (shares, ctx) => {
  const gb = ctx.assumptions.egressGb.value;
  const lb = shares.find((s) => s.data.via === "load balancer");
  const via = lb ?? shares[0];
  const items = [costItem({ key: `pool:${EGRESS}#internet`, address: via.address, type: "gcp_internet_egress", what: `internet egress (Premium Tier, ${gb} GB assumed)`, label: "egress", quantity: gb, unit: "GB", unitPriceEur: toEur(ctx.gcp.internetEgressGb, ctx) })];
  if (lb) items.push(costItem({ key: `pool:${EGRESS}#load-balancer-data`, address: lb.address, type: "gcp_load_balancer_data", what: `data processed by the load balancer (${gb} GB assumed)`, label: "load balancer data", quantity: gb, unit: "GB", unitPriceEur: toEur(ctx.gcp.loadBalancerDataGb, ctx) }));
  return { items };
};

/** Forwarding rules: the first five of a project cost one price together, each one beyond them its own. */
const forwardingRulePool: PoolPricer = (shares, ctx) => {
  const address = shares.length <= 3 ? shares.map((s) => s.address).join(", ") : `${shares[0].address} and ${shares.length - 1} more`;
  const items = [costItem({ key: `pool:${FORWARDING_RULES}#first-five`, address, type: "google_compute_global_forwarding_rule", what: `global load balancer forwarding rules (${shares.length}; the first five cost one price)`, label: "forwarding rules", quantity: 1, unit: "up to 5 rules", unitPriceEur: toEur(ctx.gcp.forwardingRuleHour * HOURS_PER_MONTH, ctx) })];
  if (shares.length > 5) items.push(costItem({ key: `pool:${FORWARDING_RULES}#beyond-five`, address, type: "google_compute_global_forwarding_rule", what: "forwarding rules beyond the first five", label: "forwarding rules beyond five", quantity: shares.length - 5, unit: "rule", unitPriceEur: toEur(ctx.gcp.additionalForwardingRuleHour * HOURS_PER_MONTH, ctx) }));
  return { items };
};

export const GCP_POOLS: Readonly<Record<string, PoolPricer>> = { [EGRESS]: egressPool, [FORWARDING_RULES]: forwardingRulePool };

/** Google Cloud resources with no charge of their own. */
export const GCP_NO_CHARGE: Readonly<Record<string, string>> = {
  google_compute_network: "VPC networks are free",
  google_compute_subnetwork: "free (its flow logs are billed as logs)",
  google_compute_firewall: "firewall rules are free",
  google_compute_global_address: "free while a forwarding rule uses it; the VPC peering range is free",
  google_compute_backend_service: "priced with the load balancer's forwarding rule",
  google_compute_url_map: "priced with the load balancer's forwarding rule",
  google_compute_target_https_proxy: "priced with the load balancer's forwarding rule",
  google_compute_target_http_proxy: "priced with the load balancer's forwarding rule",
  google_compute_region_network_endpoint_group: "serverless network endpoint groups are free",
  google_compute_managed_ssl_certificate: "Google-managed certificates are free",
  google_service_networking_connection: "private services access is free",
  google_sql_database: "priced with its Cloud SQL instance",
  google_sql_user: "priced with its Cloud SQL instance",
  google_storage_hmac_key: "free",
  google_storage_transfer_job: "bucket-to-bucket transfers are free (the copies are priced as their bucket)",
  google_dns_record_set: "priced with its zone (queries are not estimated)",
  google_secret_manager_secret: "priced per version (accesses are not estimated)",
  google_logging_project_sink: "log routing is free",
  google_project_service: "free",
  google_project_iam_custom_role: "IAM is free",
  google_service_account: "IAM is free",
  google_iam_workload_identity_pool: "IAM is free",
  google_iam_workload_identity_pool_provider: "IAM is free",
};

/** Google Cloud resources billed by usage this estimate does not model: listed as not priced, with why. */
export const GCP_NOT_ESTIMATED: Readonly<Record<string, string>> = {
  google_logging_project_bucket_config: "logs are billed by the volume ingested ($0.50 per GiB beyond the first 50 GiB a month) and kept past 30 days: not estimated",
  google_cloud_run_v2_job: "billed per execution (the release command runs once per deploy): not estimated",
};

/** Prefixes of free types (IAM bindings of every resource). */
export const GCP_NO_CHARGE_PATTERNS: readonly [RegExp, string][] = [[/^google_.*_iam_(member|binding|policy)$/, "IAM is free"]];
