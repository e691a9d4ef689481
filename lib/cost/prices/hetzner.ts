/*
 * Hetzner's prices, EUR per month net of VAT, in the EU locations (fsn1, nbg1, hel1, where every product
 * costs the same). Hetzner changed its prices three times in 2026: setup fees for dedicated servers
 * (February), a monthly increase across the portfolio (1 April, existing resources too), and on 15 June a
 * standardization that reprices new orders and rescales only (a server created before 15 June and never
 * rescaled keeps its April price; this table is what a new resource costs). When HCLOUD_TOKEN is set the
 * estimate reads the live prices from Hetzner's pricing API instead (hetzner-live.ts); Object Storage is not
 * in that API, so its prices always come from here.
 *
 * Where the numbers come from (none could be read from hetzner.com itself here, which renders its prices with
 * JavaScript; the pricing API needs a project's token):
 * - cx23 5.49, cx33 8.49, lb11 7.49, primary IPv4 0.50, primary IPv6 free, traffic €1.00/TB beyond 20 TB:
 *   projects quoting GET /v1/pricing for fsn1 in July and August 2026 (net), agreeing with a project quoting
 *   the gross API prices on 2026-08-09 (cx23 6.64, cx33 10.27, lb11 9.06, volume 0.0692/GB, IPv4 0.605,
 *   all at 21 % VAT) and with Hetzner's price adjustment notice of 15 June 2026 as quoted elsewhere
 *   (CX23 5.49, CX33 8.49, CX43 15.99, CAX11/21/31 5.99/10.49/20.99).
 * - volume 0.0572/GB: GET /v1/pricing for fsn1 on 2026-05-27 as quoted by a project, and the 2026-08-09
 *   gross price above (0.0692 / 1.21).
 * - The other server types: Hetzner's price feed as quoted on 2026-09-29 "incl. IPv4" (cx23 5.99 there),
 *   less the IPv4's 0.50, which reproduces every type above. Those marked "derived" were read only that way.
 * - Object Storage base 6.49 with 1 TB stored and 1 TB egress included: several projects after the April
 *   increase (it was 4.99 from December 2024). €0.0087 per TB-hour stored beyond it: one project's notes,
 *   NOT VERIFIED against Hetzner (it was €0.0067 before April 2026); €1.00 per TB of egress beyond.
 * - Server backups: 20 % of the server's price (the pricing API's `server_backup.percentage`).
 * Not in this table, so not priced without HCLOUD_TOKEN: lb21, lb31, floating IPs, locations outside the EU
 * (ash, hil, sin price differently), and types not listed below.
 */

/** Prices of one product by location. */
export type ByLocation = Readonly<Record<string, number>>;

export interface ObjectStoragePrices {
  /** Where these came from, in words, and their date. */
  readonly source: string;
  readonly asOf: string;
  /** The account's monthly base price: charged once while any bucket exists, whatever the project or location. */
  readonly baseMonthly: number;
  readonly includedStorageTb: number;
  readonly includedEgressTb: number;
  /** Storage beyond the included, per TB-hour. */
  readonly perTbHour: number;
  readonly egressPerTb: number;
}

/** A complete Hetzner price list: the table below, or the live one (hetzner-live.ts) in the same shape. */
export interface HetznerPriceList {
  /** Where these came from, in words. */
  readonly source: string;
  /** The date of the prices: the table's, or the day the live ones were read. */
  readonly asOf: string;
  readonly live: boolean;
  readonly serverTypes: Readonly<Record<string, ByLocation>>;
  readonly loadBalancerTypes: Readonly<Record<string, ByLocation>>;
  /** By type (ipv4, ipv6), then location. */
  readonly primaryIps: Readonly<Record<string, ByLocation>>;
  readonly floatingIps: Readonly<Record<string, ByLocation>>;
  readonly volumePerGbMonth: number;
  /** Backups cost this percentage of the server's price. */
  readonly serverBackupPercent: number;
  /** Outbound traffic beyond what a server includes, per TB. */
  readonly trafficPerTb: number;
  /** TB of outbound traffic a server includes, by type then location. */
  readonly includedTrafficTb: Readonly<Record<string, ByLocation>>;
  readonly objectStorage: ObjectStoragePrices;
}

export const EU_LOCATIONS = ["fsn1", "nbg1", "hel1"] as const;
/** Network zones (a load balancer may name one instead of a location) and a location in each. */
export const NETWORK_ZONE_LOCATION: Readonly<Record<string, string>> = { "eu-central": "fsn1", "us-east": "ash", "us-west": "hil", "ap-southeast": "sin" };

const eu = (price: number): ByLocation => Object.fromEntries(EU_LOCATIONS.map((l) => [l, price]));

export const HETZNER_TABLE_DATE = "2026-09-29";

const SERVER_TYPES: Readonly<Record<string, number>> = {
  // Cost-optimized, shared vCPU (x86 and Arm), EU only.
  cx23: 5.49, cx33: 8.49, cx43: 15.99,
  cx53: 29.49, // derived
  cax11: 5.99, cax21: 10.49, cax31: 20.99,
  cax41: 40.99, // derived
  // Regular performance, shared AMD vCPU.
  cpx12: 11.49, cpx52: 100.49, cpx62: 129.99, // derived
  cpx22: 19.49, cpx32: 35.49, cpx42: 69.49,
  // General purpose, dedicated vCPU: all derived.
  ccx13: 42.99, ccx23: 85.99, ccx33: 138.49, ccx43: 275.99, ccx53: 533.49, ccx63: 853.49,
};

export const HETZNER_TABLE: HetznerPriceList = {
  source: `Hetzner price table of ${HETZNER_TABLE_DATE} (lib/cost/prices/hetzner.ts; net of VAT, EU locations; prices for new orders since 15 June 2026)`,
  asOf: HETZNER_TABLE_DATE,
  live: false,
  serverTypes: Object.fromEntries(Object.entries(SERVER_TYPES).map(([type, price]) => [type, eu(price)])),
  loadBalancerTypes: { lb11: eu(7.49) },
  primaryIps: { ipv4: eu(0.5), ipv6: eu(0) },
  floatingIps: {},
  volumePerGbMonth: 0.0572,
  serverBackupPercent: 20,
  trafficPerTb: 1.0,
  includedTrafficTb: Object.fromEntries(Object.keys(SERVER_TYPES).map((type) => [type, eu(20)])),
  objectStorage: {
    source: `Hetzner Object Storage prices of ${HETZNER_TABLE_DATE} (lib/cost/prices/hetzner.ts; not in Hetzner's pricing API; the rate beyond the included TB is not verified)`,
    asOf: HETZNER_TABLE_DATE,
    baseMonthly: 6.49,
    includedStorageTb: 1,
    includedEgressTb: 1,
    perTbHour: 0.0087,
    egressPerTb: 1.0,
  },
};
