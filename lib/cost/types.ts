/*
 * The shapes of a monthly cost estimate (npm run cost, the pull-request comment). Prices are EUR per month,
 * net of VAT; an item is one line of the estimate: what it is, how many, the unit price, the month's total.
 */

/** One priced line. `key` names it the same way in a plan's before and after, so the two can be compared. */
export interface CostItem {
  /** Stable identity across before/after: `<address>#<part>` (part: server, backups, ipv4, ...), or `pool:<name>#<part>`. */
  readonly key: string;
  /** The resource's address (`hcloud_server.app`), or for an account-wide charge the addresses that cause it. */
  readonly address: string;
  /** Terraform resource type, or the charge's own name for account-wide ones (`hetzner_object_storage`). */
  readonly type: string;
  /** What it is, in words: "server cx33 in fsn1". */
  readonly what: string;
  /** The short variant the PR comment names after the address: "lb11", "cx23 → cx33", "40 GB". */
  readonly label: string;
  readonly quantity: number;
  /** What one of `quantity` is: "server", "GB-month", "instance-month". */
  readonly unit: string;
  /** EUR per unit per month (more decimals than cents: €0.0572 per GB). */
  readonly unitPriceEur: number;
  /** quantity × unitPriceEur, rounded to cents. */
  readonly monthlyEur: number;
}

/** A resource (or an account-wide charge) the estimate has no price for: listed, never counted as zero. */
export interface NotPriced {
  readonly address: string;
  readonly type: string;
  readonly reason: string;
}

/** Resource types that cost nothing of their own (networks, firewalls, IAM bindings, containers on a host), counted. */
export interface NoCharge {
  readonly type: string;
  readonly count: number;
  readonly why: string;
}

/** A usage assumption: its value, where it came from, and what it means. */
export interface Assumption {
  readonly value: number;
  readonly from: "default" | "environment file";
  readonly meaning: string;
}

export type Assumptions = Readonly<Record<AssumptionName, Assumption>>;

export const ASSUMPTION_NAMES = ["bucketGb", "backupGb", "logsGb", "egressGb", "requestsPerMonth", "requestSeconds"] as const;
export type AssumptionName = (typeof ASSUMPTION_NAMES)[number];

/** One stack's estimate, as `cdktf.out/cost.json` holds it under `stacks.<name>`. */
export interface StackCost {
  readonly monthlyEur: number;
  readonly items: readonly CostItem[];
  readonly notPriced: readonly NotPriced[];
  readonly noCharge: readonly NoCharge[];
  readonly assumptions: Assumptions;
  /** The date of the prices: the table's, or the day the live prices were read (the newest when several were used). */
  readonly pricesAsOf: string;
  /** Where each set of prices came from, in words (table and its date, live API, exchange rate). */
  readonly priceSources: readonly string[];
  /** Things a reader should know about this estimate (account-wide charges, what is left out). */
  readonly notes: readonly string[];
}

/** How one resource's (or account-wide charge's) monthly cost moves between a plan's before and after. */
export interface CostDelta {
  readonly key: string;
  readonly address: string;
  readonly label: string;
  readonly deltaEur: number;
}

/** What a plan changes about a stack's monthly cost: `npm run plan` writes it as `<stack>/cost.json`. */
export interface CostChange {
  readonly monthlyEurBefore: number;
  readonly monthlyEurAfter: number;
  readonly deltaEur: number;
  /** Items whose monthly cost changes, largest change first. */
  readonly changes: readonly CostDelta[];
  /** What the after state has no price for. */
  readonly notPriced: readonly NotPriced[];
  readonly pricesAsOf: string;
  readonly priceSources: readonly string[];
  readonly assumptions: Assumptions;
}
