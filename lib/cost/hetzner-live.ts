import { z } from "zod";
import { ByLocation, HETZNER_TABLE, HetznerPriceList } from "./prices/hetzner";

/*
 * Hetzner's live prices: GET <endpoint>/pricing of the Cloud API with the project's token (HCLOUD_TOKEN),
 * the endpoint being HCLOUD_ENDPOINT when set (as for the hcloud CLI and Terraform provider), else Hetzner's.
 * The answer is read in the table's shape (prices/hetzner.ts), net of VAT; Object Storage is not in it, so
 * that part stays the table's. A failure falls back to the table and says why.
 */

export const DEFAULT_HCLOUD_ENDPOINT = "https://api.hetzner.cloud/v1";

const price = z.looseObject({ net: z.string(), gross: z.string().optional() });
const locationPrice = z.looseObject({
  location: z.string().optional(),
  /** Older answers priced primary IPs per datacenter (fsn1-dc14). */
  datacenter: z.string().optional(),
  price_monthly: price,
  included_traffic: z.number().optional(),
  price_per_tb_traffic: price.optional(),
});
const named = z.looseObject({ name: z.string(), prices: z.array(locationPrice) });
const typed = z.looseObject({ type: z.string(), prices: z.array(locationPrice) });

/** The parts of GET /pricing the estimate reads (Hetzner Cloud API reference, "Pricing"). */
export const pricingResponseSchema = z.looseObject({
  pricing: z.looseObject({
    currency: z.string(),
    vat_rate: z.string().optional(),
    volume: z.looseObject({ price_per_gb_month: price }),
    server_backup: z.looseObject({ percentage: z.string() }),
    server_types: z.array(named),
    load_balancer_types: z.array(named),
    primary_ips: z.array(typed),
    floating_ips: z.array(typed).optional(),
    traffic: z.looseObject({ price_per_tb: price }).optional(),
  }),
});

export type PricingResponse = z.infer<typeof pricingResponseSchema>;

export interface LivePriceOptions {
  readonly token: string;
  /** The Cloud API's base URL (…/v1). Default: DEFAULT_HCLOUD_ENDPOINT. */
  readonly endpoint?: string;
  /** Today (YYYY-MM-DD): the date of the prices read. */
  readonly today: string;
  readonly timeoutMs?: number;
}

const amount = (p: { net: string }, where: string): number => {
  const n = Number(p.net);
  if (!Number.isFinite(n)) throw new Error(`the pricing API's ${where} is ${JSON.stringify(p.net)}, not a number`);
  return n;
};

const locationOf = (p: z.infer<typeof locationPrice>) => p.location ?? p.datacenter?.split("-")[0];

function byLocation(prices: readonly z.infer<typeof locationPrice>[], where: string): ByLocation {
  return Object.fromEntries(prices.flatMap((p) => {
    const location = locationOf(p);
    return location ? [[location, amount(p.price_monthly, `${where} in ${location}`)]] : [];
  }));
}

/** The answer of GET /pricing as a price list. */
export function priceListFromResponse(response: PricingResponse, source: string, today: string): HetznerPriceList {
  const p = response.pricing;
  if (p.currency !== "EUR") throw new Error(`the pricing API answers in ${p.currency}; the estimate is in EUR`);
  const TB = 2 ** 40; // Hetzner's "20 TB" included traffic is 20 TiB in bytes
  const firstTrafficPrice = p.server_types.flatMap((t) => t.prices).find((l) => l.price_per_tb_traffic)?.price_per_tb_traffic;
  return {
    source,
    asOf: today,
    live: true,
    serverTypes: Object.fromEntries(p.server_types.map((t) => [t.name, byLocation(t.prices, `server type ${t.name}`)])),
    loadBalancerTypes: Object.fromEntries(p.load_balancer_types.map((t) => [t.name, byLocation(t.prices, `load balancer type ${t.name}`)])),
    primaryIps: Object.fromEntries(p.primary_ips.map((t) => [t.type, byLocation(t.prices, `primary ${t.type}`)])),
    floatingIps: Object.fromEntries((p.floating_ips ?? []).map((t) => [t.type, byLocation(t.prices, `floating ${t.type}`)])),
    volumePerGbMonth: amount(p.volume.price_per_gb_month, "volume price"),
    serverBackupPercent: Number(p.server_backup.percentage),
    trafficPerTb: firstTrafficPrice ? amount(firstTrafficPrice, "traffic price") : p.traffic ? amount(p.traffic.price_per_tb, "traffic price") : HETZNER_TABLE.trafficPerTb,
    includedTrafficTb: Object.fromEntries(p.server_types.map((t) => [t.name, Object.fromEntries(t.prices.flatMap((l) => {
      const location = locationOf(l);
      return location && l.included_traffic !== undefined ? [[location, l.included_traffic / TB]] : [];
    }))])),
    objectStorage: HETZNER_TABLE.objectStorage,
  };
}

/** Reads the live prices. Throws with the status and Hetzner's error message (never the token). */
export async function fetchHetznerPrices(options: LivePriceOptions): Promise<HetznerPriceList> {
  const url = `${(options.endpoint || DEFAULT_HCLOUD_ENDPOINT).replace(/\/+$/, "")}/pricing`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${options.token}`, Accept: "application/json" }, signal: AbortSignal.timeout(options.timeoutMs ?? 8_000) });
  } catch (err) {
    throw new Error(`GET ${url}: ${(err as Error).message}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`GET ${url}: HTTP ${response.status}, not JSON`);
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } })?.error;
    throw new Error(`GET ${url}: HTTP ${response.status}${error?.code ? ` ${error.code}` : ""}${error?.message ? `: ${error.message}` : ""}`);
  }
  const parsed = pricingResponseSchema.safeParse(body);
  if (!parsed.success) throw new Error(`GET ${url}: not the pricing API's answer: ${z.prettifyError(parsed.error)}`);
  return priceListFromResponse(parsed.data, `Hetzner pricing API (GET ${url}), read ${options.today}; net of VAT`, options.today);
}

/**
 * The Hetzner prices to use: live when HCLOUD_TOKEN is set, else the table. When the live ones cannot be
 * read, the table, with a warning that says why.
 */
export async function hetznerPrices(env: NodeJS.ProcessEnv, today: string): Promise<{ prices: HetznerPriceList; warning?: string }> {
  const token = env.HCLOUD_TOKEN;
  if (!token) return { prices: HETZNER_TABLE };
  try {
    return { prices: await fetchHetznerPrices({ token, endpoint: env.HCLOUD_ENDPOINT, today }) };
  } catch (err) {
    const why = (err as Error).message;
    return {
      prices: { ...HETZNER_TABLE, source: `${HETZNER_TABLE.source}; HCLOUD_TOKEN is set but the live prices could not be read (${why})` },
      warning: `Hetzner's live prices could not be read, so the price table is used: ${why}`,
    };
  }
}
