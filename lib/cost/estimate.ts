import { totalOf } from "./arithmetic";
import { dockerHostCost } from "./docker";
import { noChargeReason } from "./free";
import { GCP_NOT_ESTIMATED, GCP_POOLS, GCP_PRICERS } from "./gcp";
import { HETZNER_POOLS, HETZNER_PRICERS } from "./hetzner";
import { PoolPricer, PoolShare, PricingContext, ResourcePricer, Unpriceable } from "./pricing";
import { ResourceInput } from "./resources";
import { CostItem, NoCharge, NotPriced, StackCost } from "./types";

/*
 * One stack's estimate: every resource through its type's pricer, each account-wide pool priced once,
 * the Docker host; what has no price is listed with why, what costs nothing of its own is counted.
 */

const PRICERS: Readonly<Record<string, ResourcePricer>> = { ...HETZNER_PRICERS, ...GCP_PRICERS };
const POOLS: Readonly<Record<string, PoolPricer>> = { ...HETZNER_POOLS, ...GCP_POOLS };
const NOT_ESTIMATED: Readonly<Record<string, string>> = { ...GCP_NOT_ESTIMATED, hcloud_snapshot: "billed per GB of the image: not estimated" };

export interface EstimateContext extends PricingContext {
  /** Today (YYYY-MM-DD): the date of prices that have no other (the environment file's host price). */
  readonly today: string;
}

export function estimateStack(resources: readonly ResourceInput[], ctx: EstimateContext): StackCost {
  const items: CostItem[] = [];
  const notPriced: NotPriced[] = [];
  const notes: string[] = [];
  const free = new Map<string, NoCharge>();
  const pools = new Map<string, PoolShare[]>();

  for (const r of resources) {
    if (r.instancesUnknown) { notPriced.push({ address: r.address, type: r.type, reason: r.instancesUnknown }); continue; }
    const pricer = PRICERS[r.type];
    if (pricer) {
      try {
        const contribution = pricer(r, ctx);
        items.push(...(contribution.items ?? []));
        for (const share of contribution.pools ?? []) pools.set(share.pool, [...(pools.get(share.pool) ?? []), share]);
      } catch (err) {
        if (!(err instanceof Unpriceable)) throw err;
        notPriced.push({ address: r.address, type: r.type, reason: err.message });
      }
      continue;
    }
    const why = noChargeReason(r.type);
    if (why !== undefined) {
      const seen = free.get(r.type);
      free.set(r.type, { type: r.type, count: (seen?.count ?? 0) + 1, why });
      continue;
    }
    notPriced.push({ address: r.address, type: r.type, reason: NOT_ESTIMATED[r.type] ?? `no price for resource type ${r.type} in this estimate` });
  }

  for (const [name, shares] of pools) {
    const priced = POOLS[name](shares, ctx);
    items.push(...priced.items);
    notPriced.push(...(priced.notPriced ?? []));
    notes.push(...(priced.notes ?? []));
  }
  const host = dockerHostCost(ctx);
  items.push(...host.items);
  notPriced.push(...host.notPriced);
  notes.push(...host.notes);

  const { sources, asOf } = sourcesOf(items, notPriced, ctx);
  return {
    monthlyEur: totalOf(items),
    items,
    notPriced,
    noCharge: [...free.values()].sort((a, b) => a.type.localeCompare(b.type)),
    assumptions: ctx.assumptions,
    pricesAsOf: asOf,
    priceSources: sources,
    notes,
  };
}

/** The price lists the estimate used, in words, and the newest of their dates. */
function sourcesOf(items: readonly CostItem[], notPriced: readonly NotPriced[], ctx: EstimateContext): { sources: string[]; asOf: string } {
  const types = [...items, ...notPriced].map((i) => i.type);
  const used: [string, string][] = [];
  if (types.some((t) => t.startsWith("hcloud_") || t === "hetzner_traffic")) used.push([ctx.hetzner.source, ctx.hetzner.asOf]);
  if (types.includes("hetzner_object_storage") || (ctx.target === "hetzner" && types.includes("s3_bucket"))) used.push([ctx.hetzner.objectStorage.source, ctx.hetzner.objectStorage.asOf]);
  if (types.some((t) => t.startsWith("google_") || t.startsWith("gcp_"))) used.push([`${ctx.gcp.source}; ${ctx.gcp.rate}`, ctx.gcp.asOf]);
  if (types.includes("docker_host") && items.some((i) => i.type === "docker_host")) used.push(["the Docker host's price: host.monthlyEur in the environment file", ctx.today]);
  const asOf = used.map(([, date]) => date).sort().at(-1) ?? ctx.today;
  return { sources: [...new Set(used.map(([source]) => source))], asOf };
}
