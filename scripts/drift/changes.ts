import { AttributeChange, DriftedResource } from "../lib/stack-results";
import { REDACTED } from "../lib/redact-plan";
import { blockChanges, normalize, SchemaBlock } from "./schema-diff";

/*
 * What refresh found, per resource: which attributes differ between the state Terraform had and the
 * object that exists now. The report goes into CI logs and GitHub issues, so values Terraform marks
 * sensitive are already redacted, and values of attributes whose names suggest a secret are hidden too
 * (a container's `env` holds a database password that providers do not mark).
 */

const SECRET_LOOKING = /(^|[._\[])(env|password|passwd|secret|token|private_key|access_key|secret_key|credentials?)([._\]]|$)/i;

/** One entry of `resource_drift` in `terraform show -json` of a refresh-only plan. */
export interface DriftEntry {
  address: string;
  type: string;
  mode?: string;
  provider_name?: string;
  change: { actions: string[]; before?: unknown; after?: unknown };
}

/** The schema of a resource type, from `terraform providers schema -json`; undefined when unknown. */
export type SchemaLookup = (provider: string, type: string) => SchemaBlock | undefined;

/** Resources whose configured attributes changed outside Terraform, or which are gone. */
export function driftedResources(entries: readonly DriftEntry[], schemaOf: SchemaLookup = () => undefined): DriftedResource[] {
  return entries
    .filter((e) => e.mode !== "data")
    .map((e): DriftedResource => {
      const deleted = e.change.actions.includes("delete") || e.change.after === null;
      return {
        address: e.address,
        type: e.type,
        action: deleted ? "delete" : "update",
        changes: deleted ? [] : changesOf(e, schemaOf(e.provider_name ?? "", e.type)).map(hideSecrets),
      };
    })
    .filter((r) => r.action === "delete" || r.changes.length > 0);
}

function changesOf(entry: DriftEntry, schema: SchemaBlock | undefined): AttributeChange[] {
  const [before, after] = [entry.change.before as Record<string, unknown>, entry.change.after as Record<string, unknown>];
  return schema ? blockChanges(before, after, schema) : attributeChanges(before, after);
}

/** Without a schema: leaf-level differences with dotted paths (`labels.env`, `ports[0].external`); null equals empty. */
export function attributeChanges(before: unknown, after: unknown, path = ""): AttributeChange[] {
  if (JSON.stringify(normalize(before)) === JSON.stringify(normalize(after))) return [];
  const bothArrays = Array.isArray(before) && Array.isArray(after);
  const bothObjects = isObject(before) && isObject(after);
  if (bothArrays && before.length === after.length) {
    return before.flatMap((b, i) => attributeChanges(b, after[i], `${path}[${i}]`));
  }
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => attributeChanges(before[k], after[k], path ? `${path}.${k}` : k));
  }
  return [{ path: path || "(value)", before: before ?? null, after: after ?? null }];
}

function hideSecrets(change: AttributeChange): AttributeChange {
  const isLabel = /^labels?[.\[]/.test(change.path);
  return SECRET_LOOKING.test(change.path) && !isLabel ? { ...change, before: REDACTED, after: REDACTED } : change;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

