/*
 * Drift is a difference in what the code configures, judged with the provider's schema (from
 * `terraform providers schema -json`), because a raw before/after comparison of a refresh is mostly
 * noise. Measured on a freshly deployed `local` stack, a refresh reports 9 of 9 containers and networks
 * "changed" when nothing was touched:
 *   - read-only attributes report reality back (a container's IPs, exit code): not configuration;
 *   - providers read back empty collections and defaults where apply stored null (`dns: null → []`,
 *     `read_only: null → false`): the same configuration;
 *   - sets come back in another order (`network_data`, `networks_advanced`): the same set.
 * So: read-only attributes are skipped, null equals an empty or zero value, sets compare unordered.
 */

type CtyType = string | [string, unknown];

/** One step of a path inside a resource: an attribute, block or map key name, or a list index. */
export type Step = string | number;

/**
 * An attribute that differs, with its path as steps (a map key may contain dots, so a dotted string
 * could not be walked back), and the values as Terraform printed them: not yet fit to be reported.
 */
export interface Difference {
  readonly steps: readonly Step[];
  readonly before: unknown;
  readonly after: unknown;
}

export interface SchemaAttribute {
  type?: CtyType;
  nested_type?: { attributes: Record<string, SchemaAttribute>; nesting_mode: string };
  optional?: boolean;
  required?: boolean;
  computed?: boolean;
}

export interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, { nesting_mode: string; block: SchemaBlock }>;
}

type Tree = Record<string, unknown> | null | undefined;

const isReadOnly = (a: SchemaAttribute) => Boolean(a.computed && !a.optional && !a.required);

/** Configured attributes of a resource that differ between the state Terraform had and reality. */
export function blockChanges(before: Tree, after: Tree, block: SchemaBlock, steps: readonly Step[] = []): Difference[] {
  const changes: Difference[] = [];
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    if (isReadOnly(attribute)) continue;
    const [b, a] = [before?.[name], after?.[name]];
    if (!sameValue(normalizeAttribute(b, attribute), normalizeAttribute(a, attribute))) {
      changes.push(...(isMapType(attribute.type) ? mapChanges(b, a, [...steps, name]) : [{ steps: [...steps, name], before: b ?? null, after: a ?? null }]));
    }
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const [b, a] = [before?.[name], after?.[name]];
    if (sameValue(normalizeBlocks(b, nested), normalizeBlocks(a, nested))) continue;
    const [bs, as] = [asArray(b), asArray(a)];
    if (nested.nesting_mode !== "set" && bs.length === as.length) {
      bs.forEach((element, i) => changes.push(...blockChanges(element as Tree, as[i] as Tree, nested.block, [...steps, name, i])));
    } else {
      changes.push({ steps: [...steps, name], before: b ?? null, after: a ?? null });
    }
  }
  return changes;
}

/** Key-level changes of a map attribute (`labels.env`), the way people read them. */
function mapChanges(before: unknown, after: unknown, steps: readonly Step[]): Difference[] {
  const [b, a] = [(before ?? {}) as Record<string, unknown>, (after ?? {}) as Record<string, unknown>];
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()
    .filter((k) => !sameValue(normalize(b[k]), normalize(a[k])))
    .map((k) => ({ steps: [...steps, k], before: b[k] ?? null, after: a[k] ?? null }));
}

function normalizeAttribute(value: unknown, attribute: SchemaAttribute): unknown {
  if (attribute.nested_type) {
    const block: SchemaBlock = { attributes: attribute.nested_type.attributes };
    return normalizeBlocks(value, { nesting_mode: attribute.nested_type.nesting_mode, block });
  }
  return normalize(value, attribute.type);
}

function normalizeBlocks(value: unknown, nested: { nesting_mode: string; block: SchemaBlock }): unknown {
  const elements = asArray(value).map((element) => normalizeBlock(element as Tree, nested.block)).filter((e) => e !== null);
  if (nested.nesting_mode === "set") return sortedSet(elements);
  return elements.length ? elements : null;
}

function normalizeBlock(value: Tree, block: SchemaBlock): unknown {
  if (!value || typeof value !== "object") return null;
  const out: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    if (isReadOnly(attribute)) continue;
    const v = normalizeAttribute(value[name], attribute);
    if (v !== null) out[name] = v;
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const v = normalizeBlocks(value[name], nested);
    if (v !== null) out[name] = v;
  }
  return Object.keys(out).length ? out : null;
}

/** null, "", 0, false, [] and {} are all "not set"; sets are sorted; object keys are sorted. */
export function normalize(value: unknown, type?: CtyType): unknown {
  if (value === undefined || value === null || value === "" || value === 0 || value === false) return null;
  if (Array.isArray(value)) {
    const elementType = Array.isArray(type) ? (type[1] as CtyType) : undefined;
    const elements = value.map((v) => normalize(v, elementType));
    if (Array.isArray(type) && type[0] === "set") return sortedSet(elements.filter((e) => e !== null));
    return elements.length ? elements : null;
  }
  if (typeof value === "object") {
    const fieldTypes = Array.isArray(type) && type[0] === "object" ? (type[1] as Record<string, CtyType>) : undefined;
    const valueType = Array.isArray(type) && type[0] === "map" ? (type[1] as CtyType) : undefined;
    const entries = Object.keys(value).sort()
      .map((k) => [k, normalize((value as Record<string, unknown>)[k], fieldTypes?.[k] ?? valueType)] as const)
      .filter(([, v]) => v !== null);
    return entries.length ? Object.fromEntries(entries) : null;
  }
  return value;
}

const isMapType = (type: CtyType | undefined) => Array.isArray(type) && type[0] === "map";
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === null || value === undefined ? [] : [value]);
const sortedSet = (elements: unknown[]) => (elements.length ? elements.map((e) => JSON.stringify(e)).sort() : null);
const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
