import { costItem } from "./arithmetic";
import { PricingContext } from "./pricing";
import { CostItem, NotPriced } from "./types";

/*
 * The Docker target: containers, images, networks and volumes cost nothing of their own; the host does. A
 * rented one (`vps`) may name its monthly price in the environment file (`host.monthlyEur`); without it the
 * host is listed as not priced. Hetzner's containers' stack runs on the servers its machines' stack prices.
 */

export function dockerHostCost(ctx: PricingContext): { items: CostItem[]; notPriced: NotPriced[]; notes: string[] } {
  if (ctx.target === "hetzner" && ctx.part === "apps") {
    return { items: [], notPriced: [], notes: ["The containers run on the servers priced in the machines' stack; they add nothing of their own."] };
  }
  const host = ctx.dockerHost;
  if (ctx.target !== "docker" || !host) return { items: [], notPriced: [], notes: [] };
  if (host.monthlyEur === undefined) {
    return { items: [], notPriced: [{ address: host.url, type: "docker_host", reason: `the Docker host's price is not known: set host.monthlyEur in ${host.file ?? "the environment file"} (what the machine or VPS costs a month)` }], notes: [] };
  }
  return {
    items: [costItem({ key: "host#docker", address: host.url, type: "docker_host", what: `Docker host ${host.url} (host.monthlyEur in the environment file)`, label: "Docker host", quantity: 1, unit: "host", unitPriceEur: host.monthlyEur })],
    notPriced: [],
    notes: [],
  };
}

export const DOCKER_NO_CHARGE_PATTERNS: readonly [RegExp, string][] = [[/^docker_/, "runs on the Docker host (priced as the host)"]];
