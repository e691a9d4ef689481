/*
 * Google Cloud list prices in US dollars, converted to euros at the rate below (Google bills a EUR account
 * at its own EUR SKU prices, which track the dollar ones; the estimate says which rate it used).
 *
 * Where the numbers come from:
 * - Cloud Run: Google's pricing page. Tier 1, read here: CPU always allocated (instance-based) $0.000018 per
 *   vCPU-second and $0.000002 per GiB-second; request-based $0.000024 / $0.0000025 and $0.40 per million
 *   requests. europe-west3 is in Tier 2 (Cloud Run's locations page), whose prices are 1.4 × Tier 1's as
 *   Google lists them; the Tier 2 and idle (minimum instances, request-based) figures were NOT re-read here.
 * - Cloud SQL Enterprise in Frankfurt: SKU "Zonal - Standard storage in Frankfurt" $0.204 per GB-month, and
 *   "Regional - 96 vCPU + 360GB RAM in Frankfurt" $15.566 per hour, which is 1.2 × us-central1's
 *   ($0.0413 per vCPU-hour and $0.007 per GB-hour, Google's page as quoted in May 2026): so $0.04956 and
 *   $0.0084. HDD storage and backups ($0.09, $0.08 per GB-month in us-central1) are taken at the same 1.2,
 *   NOT VERIFIED. REGIONAL (high availability) doubles compute and storage.
 * - Cloud Storage Standard, Cloud DNS ($0.20 per zone), Secret Manager ($0.06 per active version and
 *   location), the global load balancer's forwarding rules ($0.025 per hour for the first five together,
 *   $0.01 for each one beyond), its data processing ($0.008 per GB) and Premium Tier internet egress from
 *   Europe ($0.12 per GB, first TB): Google's list prices as widely quoted through 2025; NOT re-read for 2026.
 *   (That one to five rules cost the same is what Google's calculator shows for a region.)
 * - Memorystore for Redis: us-central1's per GB-hour prices by capacity tier × 1.2 (Cloud SQL's Frankfurt
 *   ratio), NOT VERIFIED.
 * Free tiers (per billing account) are not deducted. Only europe-west3 (the shipped environments' region)
 * is in the table: a resource in another region is listed as not priced.
 */

export interface GcpRegionPrices {
  readonly cloudRun: {
    /** CPU always allocated (instance-based billing), per second. */
    readonly instanceVcpuSecond: number;
    readonly instanceGibSecond: number;
    /** CPU allocated only during requests, per second of an active instance. */
    readonly requestVcpuSecond: number;
    readonly requestGibSecond: number;
    /** Minimum instances kept idle under request-based billing. */
    readonly idleVcpuSecond: number;
    readonly idleGibSecond: number;
    readonly perMillionRequests: number;
  };
  readonly cloudSql: {
    readonly vcpuHour: number;
    readonly memoryGbHour: number;
    readonly ssdGbMonth: number;
    readonly hddGbMonth: number;
    readonly backupGbMonth: number;
  };
  readonly storageStandardGbMonth: number;
  /** Memorystore for Redis per GB-hour, by tier, for capacities up to `upToGb`. */
  readonly redis: Readonly<Record<"BASIC" | "STANDARD_HA", readonly { readonly upToGb: number; readonly gbHour: number }[]>>;
  readonly secretVersionMonth: number;
}

export interface GcpPriceList {
  readonly source: string;
  readonly asOf: string;
  /** US dollars for one euro. */
  readonly usdPerEur: number;
  /** The rate's date and source, in words. */
  readonly rate: string;
  readonly regions: Readonly<Record<string, GcpRegionPrices>>;
  /** Cloud Storage multi-regions (EU), Standard class, per GB-month. */
  readonly multiRegionStorageGbMonth: Readonly<Record<string, number>>;
  /** The first five forwarding rules of a project together, per hour; each one beyond them. */
  readonly forwardingRuleHour: number;
  readonly additionalForwardingRuleHour: number;
  readonly loadBalancerDataGb: number;
  readonly internetEgressGb: number;
  readonly dnsZoneMonth: number;
}

const tier2 = (tier1: number) => +(tier1 * 1.4).toFixed(10);
const frankfurt = (usCentral1: number) => +(usCentral1 * 1.2).toFixed(10);

export const GCP_TABLE_DATE = "2026-08-20";

export const GCP_TABLE: GcpPriceList = {
  source: `Google Cloud list prices in USD, table of ${GCP_TABLE_DATE} (lib/cost/prices/gcp.ts; some derived, marked there)`,
  asOf: GCP_TABLE_DATE,
  usdPerEur: 1.1605,
  rate: "USD 1.1605 = EUR 1: the ECB reference rate for the week of 2026-08-20, as quoted by a project pricing the same day (not read from the ECB)",
  regions: {
    "europe-west3": {
      cloudRun: {
        instanceVcpuSecond: tier2(0.000018),
        instanceGibSecond: tier2(0.000002),
        requestVcpuSecond: tier2(0.000024),
        requestGibSecond: tier2(0.0000025),
        idleVcpuSecond: tier2(0.0000025),
        idleGibSecond: tier2(0.0000025),
        perMillionRequests: 0.4,
      },
      cloudSql: {
        vcpuHour: 0.04956,
        memoryGbHour: 0.0084,
        ssdGbMonth: 0.204,
        hddGbMonth: frankfurt(0.09),
        backupGbMonth: frankfurt(0.08),
      },
      storageStandardGbMonth: 0.023,
      redis: {
        BASIC: [{ upToGb: 4, gbHour: frankfurt(0.049) }, { upToGb: 10, gbHour: frankfurt(0.027) }, { upToGb: 35, gbHour: frankfurt(0.023) }, { upToGb: 100, gbHour: frankfurt(0.019) }, { upToGb: Infinity, gbHour: frankfurt(0.016) }],
        STANDARD_HA: [{ upToGb: 4, gbHour: frankfurt(0.064) }, { upToGb: 10, gbHour: frankfurt(0.054) }, { upToGb: 35, gbHour: frankfurt(0.046) }, { upToGb: 100, gbHour: frankfurt(0.038) }, { upToGb: Infinity, gbHour: frankfurt(0.032) }],
      },
      secretVersionMonth: 0.06,
    },
  },
  multiRegionStorageGbMonth: { EU: 0.026 },
  forwardingRuleHour: 0.025,
  additionalForwardingRuleHour: 0.01,
  loadBalancerDataGb: 0.008,
  internetEgressGb: 0.12,
  dnsZoneMonth: 0.2,
};
