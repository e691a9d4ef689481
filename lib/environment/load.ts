import { readdirSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { Environment, environmentSchema } from "./schema";
import { EnvironmentError, Problem, problemsFromZod, valueAt } from "./problems";
import { knownProviders, registeredTarget } from "./targets";
import { residencyProblems } from "./residency";
import { consistencyProblems } from "./consistency";
import { sharedProblems } from "./shared";

/** An environment's name, which is its file's and its stack's. */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Validates one environment file's data. Throws an EnvironmentError listing every problem —
 * schema and residency alike — so a person fixes the file in one go. `file` is what messages name (a
 * file, or a PortableBackend's construct path); `name` the environment's, by default its file's.
 */
export function validateEnvironment(raw: unknown, file: string, name?: string): Environment {
  const problems: Problem[] = [];
  if (name === undefined) {
    name = basename(file).replace(/\.[cm]?[jt]s$/, "");
    if (!ENVIRONMENT_NAME.test(name)) {
      problems.push({ field: "(file name)", value: name, message: "an environment is named after its file: lower-case letters, digits and dashes" });
    }
  } else if (!ENVIRONMENT_NAME.test(name)) {
    problems.push({ field: "name", value: name, message: "lower-case letters, digits and dashes, starting with a letter: it prefixes the names of what is created" });
  }
  const registered = registeredTarget(valueAt(raw, ["provider"]));
  const schema = registered?.schema ?? environmentSchema;
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    // The built-in union knows its own three providers; registered targets are allowed too.
    problems.push(...problemsFromZod(schema, raw, parsed.error.issues).map((p) => (p.field === "provider" ? { ...p, message: `allowed: ${knownProviders().join(", ")}` } : p)));
  }
  problems.push(...residencyProblems(raw), ...(registered ? registered.problems?.(raw) ?? [] : consistencyProblems(raw)));
  if (problems.length > 0 || !parsed.success) throw new EnvironmentError(new Map([[file, problems]]));
  return { ...(parsed.data as Environment), name, file };
}

/**
 * Every environment file in `dir` (one file = one environment), all validated, each on its own and
 * against the others, before any is used.
 */
export function loadEnvironments(dir: string, cwd = process.cwd()): Environment[] {
  const files = readdirSync(dir).filter((f) => /\.ts$/.test(f) && !f.endsWith(".d.ts")).sort();
  const environments: Environment[] = [];
  const failures = new Map<string, readonly Problem[]>();
  for (const f of files) {
    const file = relative(cwd, join(dir, f)) || f;
    try {
      environments.push(validateEnvironment(importDefault(join(dir, f)), file));
    } catch (err) {
      if (!(err instanceof EnvironmentError)) throw err;
      for (const [k, v] of err.problemsByFile) failures.set(k, v);
    }
  }
  if (failures.size > 0) throw new EnvironmentError(failures);
  const shared = sharedProblems(environments);
  if (shared.size > 0) throw new EnvironmentError(shared);
  return environments;
}

function importDefault(path: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path);
  return mod && typeof mod === "object" && "default" in mod ? mod.default : mod;
}
