import { GcpPriceList } from "./prices/gcp";
import { HetznerPriceList } from "./prices/hetzner";
import { ResourceInput, isExpression, UNKNOWN, valueAt } from "./resources";
import { Assumptions, CostItem, NotPriced } from "./types";

/*
 * What a target's pricing module provides: a pricer per resource type (one resource in, its lines out) and
 * a pricer per account-wide pool (Object Storage's base price, traffic allowances), which sees every share
 * of it in the stack at once.
 */

/** Everything a price depends on besides the resource itself. */
export interface PricingContext {
  readonly stack: string;
  /** The environment's target: docker, hetzner, gcp. */
  readonly target: string;
  /** Which of the environment's stacks: main, or Hetzner's containers ("apps"). */
  readonly part: string;
  readonly assumptions: Assumptions;
  readonly hetzner: HetznerPriceList;
  readonly gcp: GcpPriceList;
  /** Google Cloud: the environment's region, for resources that do not name theirs. */
  readonly gcpRegion?: string;
  /** Docker: the host and, when the file names it, its monthly price. */
  readonly dockerHost?: { readonly url: string; readonly monthlyEur?: number; readonly file?: string };
}

/** A resource's part in an account-wide charge; `data` is the pool's own business. */
export interface PoolShare {
  readonly pool: string;
  readonly address: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** What a pricer makes of one resource: its own lines, and shares of pools. */
export interface Contribution {
  readonly items?: readonly CostItem[];
  readonly pools?: readonly PoolShare[];
}

export type ResourcePricer = (resource: ResourceInput, ctx: PricingContext) => Contribution;
export type PoolPricer = (shares: readonly PoolShare[], ctx: PricingContext) => { items: CostItem[]; notPriced?: NotPriced[]; notes?: string[] };

/** Thrown by a pricer that cannot price a resource; the message says why, and the resource is listed as not priced. */
export class Unpriceable extends Error {}

/**
 * The value at `path` the price depends on, or `fallback` where it is missing (a plan marks an attribute the
 * configuration leaves to the provider as known only after apply: where the caller knows the provider's
 * default, that is what it is). An expression or a value known only after apply, or a missing value without
 * a fallback: Unpriceable, naming the attribute.
 */
function required(resource: ResourceInput, path: string[], fallback: string | number | undefined): unknown {
  const raw = valueAt(resource.values, ...path);
  const value = raw === UNKNOWN && fallback !== undefined ? undefined : raw;
  if (isExpression(value)) throw new Unpriceable(`${path.join(".")} is known only at apply`);
  if (value !== undefined && value !== null && value !== "") return value;
  if (fallback !== undefined) return fallback;
  throw new Unpriceable(`${path.join(".")} is not set`);
}

/** A string attribute the price depends on (see required). */
export function stringAt(resource: ResourceInput, path: string[], fallback?: string): string {
  return String(required(resource, path, fallback));
}

/** A number attribute the price depends on (Terraform may write one as a string). */
export function numberAt(resource: ResourceInput, path: string[], fallback?: number): number {
  const value = required(resource, path, fallback);
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Unpriceable(`${path.join(".")} is ${JSON.stringify(value)}, not a number`);
  return n;
}

/** A boolean attribute (`fallback` when missing; Unpriceable when known only at apply). */
export function booleanAt(resource: ResourceInput, path: string[], fallback: boolean): boolean {
  const raw = valueAt(resource.values, ...path);
  const value = raw === UNKNOWN ? undefined : raw; // the provider's default: `fallback`
  if (isExpression(value)) throw new Unpriceable(`${path.join(".")} is known only at apply`);
  if (value === undefined || value === null) return fallback;
  return value === true || value === "true";
}

/**
 * What the buckets hold, by what each is for (the constructs name them so): backups, off-site copies,
 * access logs, or data. A bucket added in code counts as data.
 */
export function bucketRole(name: string): "backups" | "offsite" | "access-logs" | "data" {
  if (/-backups$/.test(name)) return "backups";
  if (/-offsite$/.test(name)) return "offsite";
  if (/-access-logs$/.test(name)) return "access-logs";
  return "data";
}
