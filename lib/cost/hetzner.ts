import { costItem, HOURS_PER_MONTH } from "./arithmetic";
import { bucketRole, booleanAt, Contribution, numberAt, PoolPricer, PoolShare, ResourcePricer, stringAt, Unpriceable } from "./pricing";
import { HetznerPriceList, NETWORK_ZONE_LOCATION } from "./prices/hetzner";
import { isExpression, ResourceInput, valueAt } from "./resources";
import { CostItem, NotPriced } from "./types";

/*
 * Hetzner Cloud's resources: servers by type and location (+20 % with backups), the primary IPv4 a server
 * gets unless it is given one, volumes per GB, load balancers, primary and floating IPs; Object Storage
 * (the project's `s3` provider) as the account's base price plus what is stored beyond it; outbound traffic
 * beyond what the servers include.
 */

const OBJECT_STORAGE = "hetzner-object-storage";
const IPV4 = "hetzner-ipv4";
const TRAFFIC = "hetzner-traffic";

/** The resource's location: its own, or its datacenter's (fsn1-dc14 is in fsn1). */
function locationOf(r: ResourceInput): string {
  const location = valueAt(r.values, "location");
  if (typeof location === "string" && location !== "" && !isExpression(location)) return location;
  const datacenter = valueAt(r.values, "datacenter");
  if (typeof datacenter === "string" && datacenter !== "" && !isExpression(datacenter)) return datacenter.split("-")[0];
  if (isExpression(location) || isExpression(datacenter)) throw new Unpriceable("location is known only at apply");
  throw new Unpriceable("no location set (Hetzner picks one at create)");
}

function priceIn(table: Readonly<Record<string, Readonly<Record<string, number>>>>, name: string, location: string, what: string, prices: HetznerPriceList): number {
  const price = table[name]?.[location];
  if (price === undefined) {
    const hint = prices.live ? "" : "; with HCLOUD_TOKEN set the live prices are read";
    throw new Unpriceable(`no price for ${what} ${name} in ${location} in the ${prices.live ? "pricing API's answer" : "price table"}${hint}`);
  }
  return price;
}

const server: ResourcePricer = (r, ctx) => {
  const prices = ctx.hetzner;
  const type = stringAt(r, ["server_type"]);
  const location = locationOf(r);
  const price = priceIn(prices.serverTypes, type, location, "server type", prices);
  const items: CostItem[] = [costItem({ key: `${r.address}#server`, address: r.address, type: r.type, what: `server ${type} in ${location}`, label: type, quantity: 1, unit: "server", unitPriceEur: price })];
  if (booleanAt(r, ["backups"], false)) {
    items.push(costItem({
      key: `${r.address}#backups`, address: r.address, type: r.type, what: `backups of the ${type} (${prices.serverBackupPercent} % of its price)`,
      label: `backups of ${type}`, quantity: 1, unit: "server", unitPriceEur: (price * prices.serverBackupPercent) / 100,
    }));
  }
  const pools: PoolShare[] = [{ pool: TRAFFIC, address: r.address, data: { includedTb: prices.includedTrafficTb[type]?.[location] ?? 0 } }];
  // A server with public IPv4 on gets a primary IPv4: the one it names, or one Hetzner creates with it.
  if (booleanAt(r, ["public_net", "ipv4_enabled"], true)) pools.push({ pool: IPV4, address: r.address, data: { location, ipv4: valueAt(r.values, "public_net", "ipv4"), id: valueAt(r.values, "id") } });
  return { items, pools };
};

const primaryIp: ResourcePricer = (r, ctx) => {
  const type = stringAt(r, ["type"]);
  const location = locationOf(r);
  const price = priceIn(ctx.hetzner.primaryIps, type, location, "primary IP type", ctx.hetzner);
  const items = [costItem({ key: `${r.address}#ip`, address: r.address, type: r.type, what: `primary ${type === "ipv4" ? "IPv4" : "IPv6"} in ${location}`, label: type === "ipv4" ? "IPv4" : "IPv6", quantity: 1, unit: "address", unitPriceEur: price })];
  const assigned = valueAt(r.values, "assignee_type") === "server";
  return { items, pools: type === "ipv4" && assigned ? [{ pool: IPV4, address: r.address, data: { location, provides: true, id: valueAt(r.values, "id"), assignee: valueAt(r.values, "assignee_id") } }] : [] };
};

const floatingIp: ResourcePricer = (r, ctx) => {
  const type = stringAt(r, ["type"]);
  const location = stringAt(r, ["home_location"]);
  const price = priceIn(ctx.hetzner.floatingIps, type, location, "floating IP type", ctx.hetzner);
  return { items: [costItem({ key: `${r.address}#ip`, address: r.address, type: r.type, what: `floating ${type} in ${location}`, label: type, quantity: 1, unit: "address", unitPriceEur: price })] };
};

const volume: ResourcePricer = (r, ctx) => {
  const size = numberAt(r, ["size"]);
  return { items: [costItem({ key: `${r.address}#volume`, address: r.address, type: r.type, what: `volume of ${size} GB`, label: `${size} GB`, quantity: size, unit: "GB", unitPriceEur: ctx.hetzner.volumePerGbMonth })] };
};

const loadBalancer: ResourcePricer = (r, ctx) => {
  const type = stringAt(r, ["load_balancer_type"]);
  const zone = valueAt(r.values, "network_zone");
  const location = typeof zone === "string" && !isExpression(zone) && !valueAt(r.values, "location") ? NETWORK_ZONE_LOCATION[zone] ?? zone : locationOf(r);
  const price = priceIn(ctx.hetzner.loadBalancerTypes, type, location, "load balancer type", ctx.hetzner);
  return { items: [costItem({ key: `${r.address}#load-balancer`, address: r.address, type: r.type, what: `load balancer ${type} in ${location}`, label: type, quantity: 1, unit: "load balancer", unitPriceEur: price })] };
};

/** An Object Storage bucket: its share of the account's storage (what it holds, by what it is for). */
const bucket: ResourcePricer = (r, ctx): Contribution => {
  if (ctx.target !== "hetzner") throw new Unpriceable("an S3 bucket outside a Hetzner environment: its store's prices are not known here");
  const name = stringAt(r, ["bucket"]);
  const a = ctx.assumptions;
  const gb = { data: a.bucketGb.value, backups: a.backupGb.value, offsite: a.bucketGb.value + a.backupGb.value, "access-logs": a.logsGb.value }[bucketRole(name)];
  return { pools: [{ pool: OBJECT_STORAGE, address: r.address, data: { gb } }] };
};

export const HETZNER_PRICERS: Readonly<Record<string, ResourcePricer>> = {
  hcloud_server: server,
  hcloud_primary_ip: primaryIp,
  hcloud_floating_ip: floatingIp,
  hcloud_volume: volume,
  hcloud_load_balancer: loadBalancer,
  s3_bucket: bucket,
};

/** Addresses for a pool's line: the first few of those that cause it. */
const addressesOf = (shares: readonly PoolShare[]) =>
  shares.length <= 3 ? shares.map((s) => s.address).join(", ") : `${shares.slice(0, 2).map((s) => s.address).join(", ")} and ${shares.length - 2} more`;

/** The account's Object Storage: its base price once, and what is stored beyond the included TB. */
const objectStoragePool: PoolPricer = (shares, ctx) => {
  const os = ctx.hetzner.objectStorage;
  const storedTb = shares.reduce((sum, s) => sum + (s.data.gb as number), 0) / 1000;
  const address = addressesOf(shares);
  const items = [costItem({
    key: `pool:${OBJECT_STORAGE}#base`, address, type: "hetzner_object_storage",
    what: `Object Storage base price (${shares.length} bucket${shares.length === 1 ? "" : "s"}; includes ${os.includedStorageTb} TB stored, ${os.includedEgressTb} TB egress)`,
    label: "Object Storage base price", quantity: 1, unit: "account", unitPriceEur: os.baseMonthly,
  })];
  const beyond = Math.max(0, storedTb - os.includedStorageTb);
  if (beyond > 0) {
    items.push(costItem({
      key: `pool:${OBJECT_STORAGE}#storage`, address, type: "hetzner_object_storage", what: `Object Storage: ${+beyond.toFixed(4)} TB stored beyond the included ${os.includedStorageTb} TB`,
      label: `${+beyond.toFixed(4)} TB beyond the included`, quantity: beyond, unit: "TB-month", unitPriceEur: os.perTbHour * HOURS_PER_MONTH,
    }));
  }
  return {
    items,
    notes: [`Object Storage's base price is charged once per Hetzner account, whatever the buckets, projects or locations: a stack whose account already pays it (another environment's buckets, the Terraform state) adds only storage beyond the included ${os.includedStorageTb} TB (${(storedTb * 1000).toFixed(0)} GB assumed here).`],
  };
};

/** Whether `ref` (an attribute's value) points at the resource of `share`: a reference (synth) or its id (plan). */
function pointsAt(ref: unknown, share: PoolShare): boolean {
  if (typeof ref === "string" && ref.includes(`${share.address}.`)) return true;
  return ref !== undefined && ref !== null && !isExpression(ref) && ref === share.data.id;
}

/**
 * The primary IPv4s servers get without naming one. A server names its primary IP (its public_net.ipv4),
 * or an IP names its server (assignee_id): by reference in the configuration, by id in a plan. When
 * neither id is known yet (both new in a plan), assigned IPs are matched to servers in the same location.
 */
const ipv4Pool: PoolPricer = (shares, ctx) => {
  const provided = shares.filter((s) => s.data.provides === true);
  const servers = shares.filter((s) => s.data.provides !== true);
  const named = new Set<PoolShare>();
  const unmatched: PoolShare[] = [];
  for (const s of servers) {
    const ref = s.data.ipv4;
    const ip = provided.find((p) => !named.has(p) && (pointsAt(ref, p) || pointsAt(p.data.assignee, s)));
    if (ip) named.add(ip);
    else if (typeof ref === "string" && ref.startsWith("${hcloud_primary_ip.")) continue; // names an IP priced elsewhere (another module)
    else unmatched.push(s);
  }
  const spare = provided.filter((p) => !named.has(p));
  const items: CostItem[] = [];
  const notPriced: NotPriced[] = [];
  for (const s of unmatched) {
    const location = s.data.location as string;
    const i = spare.findIndex((p) => p.data.location === location && (isExpression(p.data.id) || p.data.id === undefined || p.data.id === null));
    if (i >= 0 && (isExpression(s.data.ipv4) || s.data.ipv4 === undefined || s.data.ipv4 === null)) { spare.splice(i, 1); continue; }
    const price = ctx.hetzner.primaryIps.ipv4?.[location];
    if (price === undefined) { notPriced.push({ address: s.address, type: "hcloud_server", reason: `no price for a primary IPv4 in ${location}` }); continue; }
    items.push(costItem({ key: `${s.address}#ipv4`, address: s.address, type: "hcloud_server", what: `primary IPv4 created with the server (${location})`, label: "IPv4", quantity: 1, unit: "address", unitPriceEur: price }));
  }
  return { items, notPriced };
};

/** Outbound traffic against what the servers include; a line even when it is within (it says so). */
const trafficPool: PoolPricer = (shares, ctx) => {
  const includedTb = shares.reduce((sum, s) => sum + (s.data.includedTb as number), 0);
  const egressTb = ctx.assumptions.egressGb.value / 1000;
  const beyond = Math.max(0, egressTb - includedTb);
  return {
    items: [costItem({
      key: `pool:${TRAFFIC}#beyond`, address: addressesOf(shares), type: "hetzner_traffic",
      what: beyond > 0 ? `outbound traffic beyond the ${includedTb} TB the servers include` : `outbound traffic: ${+egressTb.toFixed(4)} TB assumed, within the ${includedTb} TB the servers include`,
      label: "traffic", quantity: +beyond.toFixed(6), unit: "TB", unitPriceEur: ctx.hetzner.trafficPerTb,
    })],
  };
};

export const HETZNER_POOLS: Readonly<Record<string, PoolPricer>> = {
  [OBJECT_STORAGE]: objectStoragePool,
  [IPV4]: ipv4Pool,
  [TRAFFIC]: trafficPool,
};

/** Hetzner resources with no charge of their own. */
export const HETZNER_NO_CHARGE: Readonly<Record<string, string>> = {
  hcloud_network: "private networks are free",
  hcloud_network_subnet: "private networks are free",
  hcloud_network_route: "private networks are free",
  hcloud_server_network: "private networks are free",
  hcloud_firewall: "firewalls are free",
  hcloud_firewall_attachment: "firewalls are free",
  hcloud_load_balancer_network: "priced with its load balancer",
  hcloud_load_balancer_service: "priced with its load balancer",
  hcloud_load_balancer_target: "priced with its load balancer",
  hcloud_managed_certificate: "certificates are free",
  hcloud_uploaded_certificate: "certificates are free",
  hcloud_ssh_key: "free",
  hcloud_placement_group: "free",
  hcloud_volume_attachment: "priced with its volume",
  hcloud_primary_ip_assignment: "priced with its primary IP",
  hcloud_floating_ip_assignment: "priced with its floating IP",
  hcloud_rdns: "free",
  hcloud_zone: "Hetzner DNS is free",
  hcloud_zone_rrset: "Hetzner DNS is free",
  hcloud_zone_record: "Hetzner DNS is free",
  s3_bucket_versioning: "priced with Object Storage",
  s3_bucket_policy: "priced with Object Storage",
  s3_bucket_lifecycle_configuration: "priced with Object Storage",
};
