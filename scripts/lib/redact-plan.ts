/*
 * `terraform show -json` prints sensitive values in plain text (generated passwords, TF_VAR_ keys,
 * the whole prior state). Plan and drift files leave the machine as CI artifacts, PR comments and
 * issues, so they keep only what reports need, with every value Terraform marks sensitive replaced.
 */

export const REDACTED = "(sensitive)";

/** Terraform's `before_sensitive` / `after_sensitive`: the value's shape, `true` where it is sensitive. */
export type Mask = boolean | Mask[] | { [key: string]: Mask } | undefined;

/** `value` with every part that `mask` (Terraform's *_sensitive shape) marks true replaced by REDACTED. */
export function redact(value: unknown, mask: Mask): unknown {
  if (mask === true) return value === null || value === undefined ? value : REDACTED;
  if (!mask || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v, i) => redact(v, Array.isArray(mask) ? mask[i] : undefined));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, (mask as Record<string, Mask>)[k])]));
}

/**
 * Whether `mask` marks anything sensitive at `steps` (attribute names, map keys, list indexes), above
 * it (a whole attribute or block) or inside it (one key of a map, one field of a set's elements).
 */
export function marksSensitive(mask: Mask, steps: readonly (string | number)[]): boolean {
  let at: Mask = mask;
  for (const step of steps) {
    if (at === true) return true;
    if (!at || typeof at !== "object") return false;
    // A block nested "single" is an object in the JSON, where a path counts it as element 0.
    if (typeof step === "number" && !Array.isArray(at)) continue;
    at = (at as Record<string | number, Mask>)[step];
  }
  return containsTrue(at);
}

const containsTrue = (mask: Mask): boolean =>
  mask === true || (mask !== null && typeof mask === "object" && Object.values(mask).some(containsTrue));

/**
 * `terraform show -json` output, parsed. A parse error names no part of the text: the text is the
 * unredacted plan, and the error goes into reports (V8's messages quote the input around the error).
 */
export function parsePlanJson(text: string): Record<string, any> {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`terraform show -json printed no valid JSON (${text.length} characters; not shown here, it holds the state's values, secrets included)`);
  }
}

interface Change {
  before?: unknown;
  after?: unknown;
  before_sensitive?: Mask;
  after_sensitive?: Mask;
  [key: string]: unknown;
}

function redactChange(change: Change): Change {
  return { ...change, before: redact(change.before, change.before_sensitive), after: redact(change.after, change.after_sensitive) };
}

const redactEntries = (entries: unknown) =>
  (entries as { change: Change }[] | undefined)?.map((entry) => ({ ...entry, change: redactChange(entry.change) }));

/**
 * The parts of a plan reports use — resource changes, drift, output changes — with sensitive values
 * redacted. Dropped: `variables` (TF_VAR_ values), `prior_state` and `planned_values` (whole state,
 * unmasked in places), `configuration`.
 */
export function redactPlan(plan: Record<string, any>): Record<string, unknown> {
  return {
    format_version: plan.format_version,
    terraform_version: plan.terraform_version,
    applyable: plan.applyable,
    complete: plan.complete,
    errored: plan.errored,
    resource_changes: redactEntries(plan.resource_changes) ?? [],
    resource_drift: redactEntries(plan.resource_drift) ?? [],
    output_changes: Object.fromEntries(Object.entries((plan.output_changes ?? {}) as Record<string, Change>).map(([k, c]) => [k, redactChange(c)])),
  };
}
