import { z } from "zod";
import { ExpectedError } from "../errors";

/** One thing wrong with an environment file: which field, what it holds, and what is allowed. */
export interface Problem {
  readonly field: string;
  readonly value: unknown;
  readonly message: string;
}

/** Everything wrong with the environment files, by file (an ExpectedError: its message is all a person needs). */
export class EnvironmentError extends ExpectedError {
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
        // A value of one option's type (an object where false or an object is allowed) gets that option's
        // problems, at their own fields; the other options' "expected false" says nothing to the reader.
        const ofItsType = issue.errors.filter((errors) => !errors.some((e) => e.path.length === 0 && (e.code === "invalid_type" || e.code === "invalid_value")));
        if (ofItsType.length === 1) {
          return problemsFromZod(schema, raw, ofItsType[0].map((e) => ({ ...e, path: [...issue.path, ...e.path] }) as z.core.$ZodIssue));
        }
        const expected = [...new Set(issue.errors.flatMap((errors) => errors.filter((e) => e.path.length === 0).map(describeExpected)))].join(" or ");
        const value = valueAt(raw, issue.path);
        return [at(issue.path, value === undefined ? `required; expected ${expected}` : `expected ${expected}, got ${typeOf(value)}`)];
      }
      case "invalid_key": {
        const reasons = [...new Set(issue.issues.map((e) => e.message))];
        return [at(issue.path, `not allowed as a name here: ${reasons.join("; ")}`)];
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

/** What a union's option expected, from its issue about the value itself: "false", "object". */
function describeExpected(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_value") return issue.values.map((v) => JSON.stringify(v)).join(" or ");
  if (issue.code === "invalid_type") return issue.expected === "object" ? "an object" : issue.expected;
  return issue.message;
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
      } else if (def.type === "union" && !def.discriminator && value !== null && typeof value === "object" && !Array.isArray(value)) {
        // `false` or an object: an object is validated by the object option.
        s = def.options?.find((o) => defOf(unwrapped(o)).type === "object");
        if (s) s = unwrapped(s);
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

/** `s` without the defaults and optionals around it. */
function unwrapped(s: z.ZodType): z.ZodType {
  let def = defOf(s);
  while ((def.type === "default" || def.type === "optional" || def.type === "nullable") && def.innerType) {
    s = def.innerType;
    def = defOf(s);
  }
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
