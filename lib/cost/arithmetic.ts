import { CostItem } from "./types";

/*
 * The shared arithmetic of every estimate: months of hours and seconds, rounding to cents, summing, and
 * writing amounts the way the output shows them. One month is 730 hours (8,760 / 12), as Google prices it;
 * Hetzner's prices are monthly caps already, so they are used as they are.
 */

export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** Rounded to cents, half away from zero (so a saving rounds like the same cost would). */
export function cents(eur: number): number {
  const rounded = Math.round(Math.abs(eur) * 100 + 1e-9) / 100;
  return eur < 0 ? -rounded : rounded;
}

/** A priced line: the month's amount is quantity × unit price, rounded to cents. */
export function costItem(fields: Omit<CostItem, "monthlyEur">): CostItem {
  return { ...fields, monthlyEur: cents(fields.quantity * fields.unitPriceEur) };
}

/** The sum of the items' (rounded) amounts: a total always equals the lines above it. */
export function totalOf(items: readonly { monthlyEur: number }[]): number {
  return cents(items.reduce((sum, i) => sum + i.monthlyEur, 0));
}

/** An amount in US dollars, in euros at `usdPerEur` (dollars for one euro, as the ECB quotes it). */
export function usdToEur(usd: number, usdPerEur: number): number {
  return usd / usdPerEur;
}

/** "€1,234.56" */
export function eur(amount: number): string {
  const [whole, fraction] = Math.abs(cents(amount)).toFixed(2).split(".");
  return `${amount < 0 ? "-" : ""}€${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${fraction}`;
}

/** "+€7.49", "-€7.49", "±€0.00". */
export function signedEur(delta: number): string {
  const c = cents(delta);
  return c > 0 ? `+${eur(c)}` : c < 0 ? `-${eur(-c)}` : "±€0.00";
}

/** A unit price with the decimals that matter (cents from €10, up to four from €1, six below): "€60.24", "€1.698", "€0.0572". */
export function unitEur(amount: number): string {
  const most = amount >= 10 ? 2 : amount >= 1 ? 4 : 6;
  const digits = Math.min(most, Math.max(2, (String(+amount.toFixed(most)).split(".")[1] ?? "").length));
  return `€${amount.toFixed(digits)}`;
}

/** A quantity without float noise: 1, 0.5, 1.234. */
export function quantityText(quantity: number): string {
  return String(+quantity.toFixed(4));
}
