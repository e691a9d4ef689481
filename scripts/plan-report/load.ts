import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { readJsonFile } from "../lib/json-file";
import { stackPlanResultSchema } from "../lib/stack-results-schema";
import type { StackPlan } from "./index";
import { planJsonSchema } from "./plan-json";

export interface LoadedPlans {
  readonly stacks: StackPlan[];
  /** Folders with no result.json: a plan job that died before writing one. Reported, not fatal. */
  readonly skipped: string[];
}

/** Reads what `npm run plan` wrote: `<dir>/<stack>/result.json`, and plan.json + plan.txt for planned stacks. */
export function loadStackPlans(dir: string): LoadedPlans {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`--in ${dir}: no such folder (it should hold one folder per stack, as \`npm run plan -- --out <dir>\` writes)`);
  const stacks: StackPlan[] = [];
  const skipped: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const folder = join(dir, entry.name);
    const resultFile = join(folder, "result.json");
    if (!existsSync(resultFile)) { skipped.push(folder); continue; }
    const result = readJsonFile(resultFile, stackPlanResultSchema, "a stack plan result (see scripts/lib/stack-results.ts)");
    if (result.status !== "planned") { stacks.push({ result }); continue; }
    const plan = readJsonFile(join(folder, "plan.json"), planJsonSchema, "a plan as `terraform show -json` writes it");
    stacks.push({ result, plan, planText: readText(join(folder, "plan.txt"), "the plan as `terraform show -no-color` writes it") });
  }
  if (stacks.length === 0) throw new Error(`--in ${dir}: no <stack>/result.json in it; run \`npm run plan -- --out ${dir}\` first`);
  return { stacks, skipped };
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`${file}: cannot read ${what} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the stack's result.json says it was planned`);
  }
}
