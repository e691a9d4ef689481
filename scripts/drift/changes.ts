import { AttributeChange, DriftedResource } from "../lib/stack-results";
import { marksSensitive, Mask, parsePlanJson, REDACTED } from "../lib/redact-plan";
import { blockChanges, Difference, normalize, SchemaBlock, Step } from "./schema-diff";

/*
 * What refresh found, per resource: which attributes differ between the state Terraform had and the
 * object that exists now. Values are compared as Terraform printed them, secrets included: a value
 * redacted first would read "(sensitive)" before and after, and its drift would go unseen. The report
 * goes into CI logs and GitHub issues, so in what is reported, values Terraform marks sensitive are
 * hidden, and so are values of attributes whose names suggest a secret (a container's `env` holds a
 * database password that providers do not mark).
 */

const SECRET_LOOKING = /(^|[._\[])(env|password|passwd|secret|token|private_key|access_key|secret_key|credentials?)([._\]]|$)/i;

/** One entry of `resource_drift` in `terraform show -json` of a refresh-only plan, not redacted. */
export interface DriftEntry {
  address: string;
  type: string;
  mode?: string;
  provider_name?: string;
  change: { actions: string[]; before?: unknown; after?: unknown; before_sensitive?: Mask; after_sensitive?: Mask };
}

/** The schema of a resource type, from `terraform providers schema -json`; undefined when unknown. */
export type SchemaLookup = (provider: string, type: string) => SchemaBlock | undefined;

/**
 * What drifted, from `terraform show -json` of a refresh-only plan (as terraform prints it: nothing
 * redacted) and `terraform providers schema -json` of the same stack.
 */
export function driftOf(planJson: string, schemaJson: string): DriftedResource[] {
  const entries = (parsePlanJson(planJson).resource_drift ?? []) as DriftEntry[];
  return driftedResources(entries, schemaLookup(schemaJson));
}

/** Resource schemas of a stack's providers, which tell configuration from what a provider reports back. */
export function schemaLookup(schemaJson: string): SchemaLookup {
  const schemas = JSON.parse(schemaJson).provider_schemas ?? {};
  return (provider, type) => schemas[provider]?.resource_schemas?.[type]?.block;
}

/** Resources whose configured attributes changed outside Terraform, or which are gone; secrets hidden. */
export function driftedResources(entries: readonly DriftEntry[], schemaOf: SchemaLookup = () => undefined): DriftedResource[] {
  return entries
    .filter((e) => e.mode !== "data")
    .map((e): DriftedResource => {
      const deleted = e.change.actions.includes("delete") || e.change.after === null;
      return {
        address: e.address,
        type: e.type,
        action: deleted ? "delete" : "update",
        changes: deleted ? [] : changesOf(e, schemaOf(e.provider_name ?? "", e.type)).map((d) => reported(d, e.change)),
      };
    })
    .filter((r) => r.action === "delete" || r.changes.length > 0);
}

function changesOf(entry: DriftEntry, schema: SchemaBlock | undefined): Difference[] {
  const [before, after] = [entry.change.before as Record<string, unknown>, entry.change.after as Record<string, unknown>];
  return schema ? blockChanges(before, after, schema) : attributeChanges(before, after);
}

/** Without a schema: leaf-level differences (`labels.env`, `ports[0].external`); null equals empty. */
export function attributeChanges(before: unknown, after: unknown, steps: readonly Step[] = []): Difference[] {
  if (JSON.stringify(normalize(before)) === JSON.stringify(normalize(after))) return [];
  const bothArrays = Array.isArray(before) && Array.isArray(after);
  const bothObjects = isObject(before) && isObject(after);
  if (bothArrays && before.length === after.length) {
    return before.flatMap((b, i) => attributeChanges(b, after[i], [...steps, i]));
  }
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => attributeChanges(before[k], after[k], [...steps, k]));
  }
  return [{ steps, before: before ?? null, after: after ?? null }];
}

/**
 * A difference as the report shows it: the path in words, and both values hidden when either side is
 * sensitive (a value that became sensitive, or stopped being, is a secret on the other side too).
 */
function reported(difference: Difference, change: DriftEntry["change"]): AttributeChange {
  const path = pathText(difference.steps);
  const isLabel = /^labels?[.\[]/.test(path);
  const hidden = marksSensitive(change.before_sensitive, difference.steps) || marksSensitive(change.after_sensitive, difference.steps)
    || (SECRET_LOOKING.test(path) && !isLabel);
  return hidden ? { path, before: REDACTED, after: REDACTED } : { path, before: difference.before, after: difference.after };
}

/** `ports[0].external` for ["ports", 0, "external"]; `(value)` for the resource as a whole. */
function pathText(steps: readonly Step[]): string {
  const text = steps.map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`)).join("");
  return text || "(value)";
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
