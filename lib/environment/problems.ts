import { z } from "zod";

/** One thing wrong with an environment file: which field, what it holds, and what is allowed. */
export interface Problem {
  readonly field: string;
  readonly value: unknown;
  readonly message: string;
}

export class EnvironmentError extends Error {
  constructor(readonly problemsByFile: ReadonlyMap<string, readonly Problem[]>) {
    super(formatProblems(problemsByFile));
    this.name = "EnvironmentError";
  }
}

export function formatProblems(problemsByFile: ReadonlyMap<string, readonly Problem[]>): string {
  const lines: string[] = [];
  for (const [file, problems] of problemsByFile) {
    lines.push(`${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}, no stack was synthesized:`);
    for (const p of problems) lines.push(`  - ${p.field}: ${show(p.value)} — ${p.message}`);
  }
  return lines.join("\n");
}

function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

export function fieldName(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i ? "." : ""}${String(k)}`)).join("") || "(file)";
}

/** Turns zod's issues into problems phrased for the person editing the file. */
export function problemsFromZod(schema: z.ZodType, raw: unknown, issues: readonly z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const at = (path: readonly PropertyKey[], message: string): Problem => ({ field: fieldName(path), value: valueAt(raw, path), message });
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = keysAt(schema, raw, issue.path);
        return issue.keys.map((key) => at([...issue.path, key], `unknown field; allowed here: ${allowed.join(", ")}`));
      }
      case "invalid_type":
        return [at(issue.path, valueAt(raw, issue.path) === undefined
          ? `required; expected ${issue.expected}`
          : `expected ${issue.expected}, got ${typeOf(valueAt(raw, issue.path))}`)];
      case "invalid_value":
        return [at(issue.path, `allowed: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`)];
      case "invalid_union": {
        const discriminator = (issue as { discriminator?: string }).discriminator;
        if (discriminator) {
          // zod reports the tag's own path; the union is the object around it.
          const path = issue.path.at(-1) === discriminator ? issue.path : [...issue.path, discriminator];
          return [at(path, `allowed: ${discriminatorValues(schema, raw, path.slice(0, -1), discriminator).join(", ")}`)];
        }
        const options = [...new Set(issue.errors.flat().map((e) => e.message))];
        return [at(issue.path, `expected one of: ${options.join("; ")}`)];
      }
      case "too_small":
        return [at(issue.path, `expected ${issue.origin === "array" ? "at least" : issue.inclusive ? "at least" : "more than"} ${String(issue.minimum)}${issue.origin === "string" ? " characters" : ""}`)];
      case "too_big":
        return [at(issue.path, `expected ${issue.inclusive ? "at most" : "less than"} ${String(issue.maximum)}${issue.origin === "string" ? " characters" : ""}`)];
      case "invalid_format":
        return [at(issue.path, `expected ${issue.message}`)];
      default:
        return [at(issue.path, issue.message)];
    }
  });
}

function typeOf(v: unknown): string {
  return Array.isArray(v) ? "array" : v === null ? "null" : typeof v;
}

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; options?: z.ZodType[]; discriminator?: string; element?: z.ZodType; values?: unknown[] };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/**
 * The sub-schema that validates `raw` at `path`, seeing through defaults and optionals, and through
 * discriminated unions by the value's tag (unless `keepUnion`, which stops at a union at the end).
 */
function schemaAt(schema: z.ZodType, raw: unknown, path: readonly PropertyKey[], keepUnion = false): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  let value = raw;
  const unwrap = (stopAtUnion: boolean) => {
    while (s) {
      const def = defOf(s);
      if ((def.type === "default" || def.type === "optional" || def.type === "nullable") && def.innerType) s = def.innerType;
      else if (def.type === "union" && def.discriminator && !stopAtUnion) {
        const tag = valueAt(value, [def.discriminator]);
        s = def.options?.find((o) => tagsOf(o, def.discriminator!).includes(tag));
      } else return;
    }
  };
  unwrap(keepUnion && path.length === 0);
  path.forEach((key, i) => {
    if (!s) return;
    const def = defOf(s);
    s = def.type === "object" ? def.shape?.[String(key)] : def.type === "array" ? def.element : undefined;
    value = valueAt(value, [key]);
    unwrap(keepUnion && i === path.length - 1);
  });
  return s;
}

const tagsOf = (option: z.ZodType, discriminator: string): unknown[] => defOf(defOf(option).shape![discriminator]).values ?? [];

function keysAt(schema: z.ZodType, raw: unknown, path: readonly PropertyKey[]): string[] {
  const s = schemaAt(schema, raw, path);
  return s && defOf(s).type === "object" ? Object.keys(defOf(s).shape ?? {}) : [];
}

function discriminatorValues(schema: z.ZodType, raw: unknown, path: readonly PropertyKey[], discriminator: string): string[] {
  const union = schemaAt(schema, raw, path, true);
  return union ? (defOf(union).options ?? []).flatMap((o) => tagsOf(o, discriminator).map(String)) : [];
}
