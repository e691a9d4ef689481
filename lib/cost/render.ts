import { ASSUMPTION_UNITS } from "./assumptions";
import { eur, quantityText, signedEur, unitEur } from "./arithmetic";
import { Assumptions, AssumptionName, CostChange, StackCost } from "./types";

/*
 * The estimate as people read it: a table per stack for the terminal (npm run cost), and the words the
 * pull-request comment uses for a plan's change.
 */

/** A stack's estimate as lines of text: the priced lines, what is not priced, what costs nothing, the assumptions, the prices' source. */
export function stackText(stack: string, cost: StackCost, heading = stack): string[] {
  const rows = cost.items.map((i) => [i.what, `${quantityText(i.quantity)} ${i.unit}`, unitEur(i.unitPriceEur), eur(i.monthlyEur), i.address]);
  const header = ["what", "quantity", "unit price", "monthly", "resource"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const format = (r: string[]) => `  ${r.map((cell, c) => (c === 2 || c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ")}`.trimEnd();
  const lines = [`${heading}: ${eur(cost.monthlyEur)} a month (estimate, EUR net of VAT, prices as of ${cost.pricesAsOf})`];
  if (rows.length) lines.push(format(header), ...rows.map(format), `  ${"total".padEnd(widths[0] + widths[1] + widths[2] + 4)}  ${eur(cost.monthlyEur).padStart(widths[3])}`);
  else lines.push("  nothing priced");
  lines.push(cost.notPriced.length
    ? `  not priced (${cost.notPriced.length}):\n${cost.notPriced.map((n) => `    - ${n.address} (${n.type}): ${n.reason}`).join("\n")}`
    : "  not priced: nothing");
  if (cost.noCharge.length) lines.push(`  no charge of their own:\n${cost.noCharge.map((f) => `    - ${f.count} × ${f.type}: ${f.why}`).join("\n")}`);
  lines.push(`  assumptions:\n${assumptionLines(cost.assumptions).map((l) => `    - ${l}`).join("\n")}`);
  lines.push(`  prices: ${cost.priceSources.length ? cost.priceSources.join("; ") : "none used"}`);
  for (const note of cost.notes) lines.push(`  note: ${note}`);
  return lines;
}

/** "bucketGb = 10 GB (default): GB stored in the data bucket ..." */
export function assumptionLines(assumptions: Assumptions): string[] {
  return (Object.entries(assumptions) as [AssumptionName, Assumptions[AssumptionName]][]).map(([name, a]) =>
    `${name} = ${a.value.toLocaleString("en")} ${ASSUMPTION_UNITS[name]} (${a.from}): ${a.meaning}`);
}

/** "bucketGb 10 GB, egressGb 100 GB/month, ..." — the assumptions on one line. */
export function assumptionsInline(assumptions: Assumptions): string {
  return (Object.entries(assumptions) as [AssumptionName, Assumptions[AssumptionName]][]).map(([name, a]) =>
    `${name} ${a.value.toLocaleString("en")}${a.from === "environment file" ? " (file)" : ""}`).join(", ");
}

/**
 * The change in words, each address formatted by `address` (Markdown: a code span):
 * "no change", "+€7.49/month: `hcloud_load_balancer.app` lb11", or several with the total first.
 */
export function changeText(change: CostChange, address: (a: string) => string = (a) => a, max = 3): string {
  if (change.changes.length === 0) return change.deltaEur === 0 ? "no change" : `${signedEur(change.deltaEur)}/month`;
  const part = (c: CostChange["changes"][number]) => `${address(c.address)} ${c.label}`;
  if (change.changes.length === 1) return `${signedEur(change.deltaEur)}/month: ${part(change.changes[0])}`;
  const shown = change.changes.slice(0, max).map((c) => `${signedEur(c.deltaEur)} ${part(c)}`);
  const more = change.changes.length > max ? [`and ${change.changes.length - max} more`] : [];
  return `${signedEur(change.deltaEur)}/month in all: ${[...shown, ...more].join(", ")}`;
}
