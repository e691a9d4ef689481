import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { costChangeSchema } from "../../lib/cost/schema";
import { ENVIRONMENT_NAME } from "../../lib/environment";
import { readJsonFile } from "../lib/json-file";
import { stackPlanResultSchema } from "../lib/stack-results-schema";
import type { StackPlan } from "./index";
import { planJsonSchema } from "./plan-json";

export interface LoadedPlans {
  /** Every stack found, and every expected stack that left no result (as failed). */
  readonly stacks: StackPlan[];
  /** Folders with no result.json: a plan job that died before writing one. Reported, not fatal. */
  readonly skipped: string[];
  /** Expected stacks with no result.json anywhere: shown in the report as failed. */
  readonly missing: string[];
}

/**
 * Reads what `npm run plan` wrote: `<dir>/<stack>/result.json`, and plan.json + plan.txt for planned stacks
 * (and cost.json, the plan's cost change, when the plan wrote one).
 * `expected` are the stacks the run was to plan (in CI, the matrix): one whose job died (timed out,
 * cancelled, runner lost) wrote nothing, and must show as failed rather than vanish from the report,
 * which would read as if it had nothing to say. Without `expected`, the folder is all there is to know.
 */
export function loadStackPlans(dir: string, expected: readonly string[] = []): LoadedPlans {
  const isFolder = existsSync(dir) && statSync(dir).isDirectory();
  // With expected stacks, no folder at all is the case of every job dying: reported, not an error.
  if (!isFolder && expected.length === 0) throw new Error(`--in ${dir}: no such folder (it should hold one folder per stack, as \`npm run plan -- --out <dir>\` writes)`);
  const stacks: StackPlan[] = [];
  const skipped: string[] = [];
  const entries = isFolder ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name)) : [];
  for (const entry of entries) {
    const folder = join(dir, entry.name);
    const resultFile = join(folder, "result.json");
    if (!existsSync(resultFile)) { skipped.push(folder); continue; }
    const result = readJsonFile(resultFile, stackPlanResultSchema, "a stack plan result (see scripts/lib/stack-results.ts)");
    if (result.status !== "planned") { stacks.push({ result }); continue; }
    const plan = readJsonFile(join(folder, "plan.json"), planJsonSchema, "a plan as `terraform show -json` writes it");
    const costFile = join(folder, "cost.json");
    const cost = existsSync(costFile) ? readJsonFile(costFile, costChangeSchema, "a plan's cost change as `npm run plan` writes it (lib/cost/types.ts, CostChange)") : undefined;
    stacks.push({ result, plan, planText: readText(join(folder, "plan.txt"), "the plan as `terraform show -no-color` writes it"), ...(cost ? { cost } : {}) });
  }
  const missing = expected.filter((name) => !stacks.some((s) => s.result.stack === name));
  stacks.push(...missing.map(withoutResult));
  if (stacks.length === 0) throw new Error(`--in ${dir}: no <stack>/result.json in it; run \`npm run plan -- --out ${dir}\` first`);
  return { stacks, skipped, missing };
}

/** A stack the run was to plan that left no result. Policy and provider are unknown (a failure shows neither). */
function withoutResult(stack: string): StackPlan {
  const reason = "no plan result: the stack's plan job ended before writing one (cancelled, timed out, or its runner was lost); see the workflow run's log";
  return { result: { stack, policy: "unknown", provider: "unknown", status: "failed", reason } };
}

/** `--expect a,b` (commas or spaces): stack names, checked the way environment file names are. */
export function expectedStacks(flag: string | undefined): string[] {
  if (flag === undefined) return [];
  const names = flag.split(/[\s,]+/).filter(Boolean);
  if (names.length === 0) throw new Error("--expect: no stack names given (expected e.g. --expect hetzner-prod,gcp-prod)");
  const bad = names.filter((name) => !ENVIRONMENT_NAME.test(name));
  if (bad.length) throw new Error(`--expect: ${bad.map((n) => JSON.stringify(n)).join(", ")} ${bad.length > 1 ? "are not stack names" : "is not a stack name"}: lower-case letters, digits and dashes, starting with a letter (as the files in environments/ are named)`);
  return [...new Set(names)];
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`${file}: cannot read ${what} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the stack's result.json says it was planned`);
  }
}
