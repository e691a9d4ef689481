/*
 * The resources an estimate prices, read from what Terraform will act on: the synthesized configuration
 * (cdktf.out/stacks/<stack>/cdk.tf.json) or a plan's before and after values (`terraform show -json`). So a
 * resource added in code (`extend`) is priced like any other, or listed as not priced.
 */

/** One resource instance and its attribute values. */
export interface ResourceInput {
  readonly address: string;
  readonly type: string;
  /**
   * Attribute values. A nested block is an object (synth) or a list of them (plan): read it with valueAt.
   * A value not known before apply, or an expression, is a string holding "${".
   */
  readonly values: Readonly<Record<string, unknown>>;
  /** Why the number of instances is not known (count or for_each is an expression): listed as not priced. */
  readonly instancesUnknown?: string;
}

/** Marks a value known only at apply time. */
export const UNKNOWN = "${known after apply}";

export const isExpression = (value: unknown): boolean => typeof value === "string" && value.includes("${");

/**
 * The value at `path`: attribute names, stepping into nested blocks whichever way they are written
 * (an object in cdk.tf.json, a list of one in a plan). Undefined when absent.
 */
export function valueAt(values: unknown, ...path: string[]): unknown {
  let at: unknown = values;
  for (const step of path) {
    if (Array.isArray(at)) at = at[0];
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string, unknown>)[step];
  }
  return at;
}

/** A nested block that may repeat (containers): always a list. */
export function blocksAt(values: unknown, ...path: string[]): Record<string, unknown>[] {
  const v = valueAt(values, ...path);
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).filter((b): b is Record<string, unknown> => b !== null && typeof b === "object");
}

interface CdkTfJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
}

/** The resources of a synthesized stack: one per instance (`count` and literal `for_each` expanded). */
export function resourcesFromConfig(config: CdkTfJson): ResourceInput[] {
  const resources: ResourceInput[] = [];
  for (const [type, byName] of Object.entries(config.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const { count, for_each: forEach, ...values } = body;
      const address = `${type}.${name}`;
      if (count !== undefined) {
        if (typeof count === "number") for (let i = 0; i < count; i++) resources.push({ address: `${address}[${i}]`, type, values });
        else resources.push({ address, type, values, instancesUnknown: `count is ${JSON.stringify(count)}, known only at apply` });
      } else if (forEach !== undefined) {
        const keys = Array.isArray(forEach) ? forEach.map(String) : forEach && typeof forEach === "object" ? Object.keys(forEach) : undefined;
        if (keys) for (const key of keys) resources.push({ address: `${address}[${JSON.stringify(key)}]`, type, values });
        else resources.push({ address, type, values, instancesUnknown: `for_each is ${JSON.stringify(forEach)}, known only at apply` });
      } else {
        resources.push({ address, type, values });
      }
    }
  }
  return resources;
}

interface PlanResourceChange {
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly deposed?: string;
  readonly change: { readonly before?: unknown; readonly after?: unknown; readonly after_unknown?: unknown };
}

/**
 * The managed resources on one side of a plan: `before` (what exists now, as refreshed) or `after` (what
 * the plan leaves). Values known only after apply read as UNKNOWN.
 */
export function resourcesFromPlan(plan: { readonly resource_changes?: readonly PlanResourceChange[] }, side: "before" | "after"): ResourceInput[] {
  return (plan.resource_changes ?? [])
    .filter((rc) => rc.mode === "managed")
    .flatMap((rc) => {
      const values = side === "before" ? rc.change.before : withUnknowns(rc.change.after, rc.change.after_unknown);
      if (values === null || values === undefined || typeof values !== "object") return [];
      // A deposed object (left by a create-before-destroy) exists beside the current one, under its address.
      const address = rc.deposed ? `${rc.address} (deposed ${rc.deposed})` : rc.address;
      return [{ address, type: rc.type, values: values as Record<string, unknown> }];
    });
}

/** `after` with every part `after_unknown` marks true replaced by UNKNOWN. */
function withUnknowns(after: unknown, unknown: unknown): unknown {
  if (unknown === true) return UNKNOWN;
  if (!unknown || typeof unknown !== "object") return after;
  if (Array.isArray(unknown)) {
    const list = Array.isArray(after) ? [...after] : [];
    unknown.forEach((u, i) => { list[i] = withUnknowns(list[i], u); });
    return list;
  }
  const object: Record<string, unknown> = after && typeof after === "object" ? { ...(after as Record<string, unknown>) } : {};
  for (const [key, u] of Object.entries(unknown as Record<string, unknown>)) object[key] = withUnknowns(object[key], u);
  return object;
}
