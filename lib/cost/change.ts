import { cents } from "./arithmetic";
import { estimateStack, EstimateContext } from "./estimate";
import { resourcesFromPlan } from "./resources";
import { CostChange, CostDelta, CostItem, StackCost } from "./types";

/*
 * What a plan changes about a stack's monthly cost: the estimate of its before values (what exists) and of
 * its after values (what the plan leaves), compared item by item.
 */

export function costChange(before: StackCost, after: StackCost): CostChange {
  const byKey = (items: readonly CostItem[]) => new Map(items.map((i) => [i.key, i]));
  const b = byKey(before.items);
  const a = byKey(after.items);
  // Item by item, then summed per resource (a server's price, backups and IPv4 are one change), named by
  // the label of its largest part: "cx23 → cx33", "lb11", "10 GB (removed)".
  const perAddress = new Map<string, { deltaEur: number; label: string; largest: number }>();
  for (const key of new Set([...b.keys(), ...a.keys()])) {
    const was = b.get(key);
    const is = a.get(key);
    const delta = cents((is?.monthlyEur ?? 0) - (was?.monthlyEur ?? 0));
    if (delta === 0) continue;
    const label = !is ? `${was!.label} (removed)` : was && was.label !== is.label ? `${was.label} → ${is.label}` : is.label;
    const address = (is ?? was)!.address;
    const seen = perAddress.get(address);
    const largest = !seen || Math.abs(delta) > seen.largest;
    perAddress.set(address, { deltaEur: (seen?.deltaEur ?? 0) + delta, label: largest ? label : seen!.label, largest: largest ? Math.abs(delta) : seen!.largest });
  }
  const changes: CostDelta[] = [...perAddress]
    .map(([address, c]) => ({ key: address, address, label: c.label, deltaEur: cents(c.deltaEur) }))
    .filter((c) => c.deltaEur !== 0)
    .sort((x, y) => Math.abs(y.deltaEur) - Math.abs(x.deltaEur) || x.key.localeCompare(y.key));
  return {
    monthlyEurBefore: before.monthlyEur,
    monthlyEurAfter: after.monthlyEur,
    deltaEur: cents(after.monthlyEur - before.monthlyEur),
    changes,
    notPriced: after.notPriced,
    pricesAsOf: after.pricesAsOf,
    priceSources: after.priceSources,
    assumptions: after.assumptions,
  };
}

/** A plan's cost change (`terraform show -json`, redacted or not: only resource_changes are read). */
export function planCostChange(plan: Parameters<typeof resourcesFromPlan>[0], ctx: EstimateContext): CostChange {
  return costChange(estimateStack(resourcesFromPlan(plan, "before"), ctx), estimateStack(resourcesFromPlan(plan, "after"), ctx));
}
