import { Environment, StatePart } from "../environment";
import { assumptionsFor } from "./assumptions";
import { EstimateContext } from "./estimate";
import { GCP_TABLE, GcpPriceList } from "./prices/gcp";
import { HETZNER_TABLE, HetznerPriceList } from "./prices/hetzner";

/** What prices a stack of `env` (and how it is used): its assumptions, region, Docker host, the price lists. */
export function costContext(
  env: Environment,
  stack: { readonly name: string; readonly part: StatePart },
  options: { readonly hetzner?: HetznerPriceList; readonly gcp?: GcpPriceList; readonly today?: string } = {},
): EstimateContext {
  return {
    stack: stack.name,
    target: env.provider,
    part: stack.part,
    assumptions: assumptionsFor(env.cost ?? {}),
    hetzner: options.hetzner ?? HETZNER_TABLE,
    gcp: options.gcp ?? GCP_TABLE,
    gcpRegion: env.provider === "gcp" ? env.location : undefined,
    dockerHost: env.provider === "docker" ? { url: env.host.url, monthlyEur: env.host.monthlyEur, file: env.file } : undefined,
    today: options.today ?? new Date().toISOString().slice(0, 10),
  };
}
