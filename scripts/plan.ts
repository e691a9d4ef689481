/*
 * npm run plan -- [stack ...] [--out <dir>] [--concurrency N]
 *
 * Synthesizes the app once, then plans the named stacks (all when none are named) in parallel against
 * their real state. Per stack it writes <out>/<stack>/result.json, plan.json (redacted) and plan.txt,
 * the input of `npm run plan-report` (the pull-request comment), and cost.json: what the plan changes about
 * the stack's monthly cost (lib/cost; Hetzner's live prices when HCLOUD_TOKEN is set). A stack whose credentials are missing
 * is "not checked"; when synth fails, every stack is "failed" with synth's error. Exit: 0 every stack
 * planned, 1 any stack failed or was not checked. Warns about backups that would share the host's fate.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { costContext, eur, HetznerPriceList, hetznerPrices, planCostChange, signedEur } from "../lib/cost";
import { environmentWarnings } from "../lib/environment";
import { runCli } from "./lib/cli";
import { missingCredentials } from "./lib/credentials";
import { planTextOf } from "./lib/plan-output";
import { parsePlanJson, redactPlan } from "./lib/redact-plan";
import { StackPlanResult } from "./lib/stack-results";
import { forEachStack, init, lastLines, notYetPlannable, OUT_DIR, parseStackCommand, Stack, synthesize, terraform } from "./lib/stack-runner";

const identity = (stack: Stack) => ({ stack: stack.name, policy: stack.env.residency, provider: stack.env.provider });

/** The stack's folder, emptied: nothing an earlier run left there may pass for this run's. */
function stackFolder(outDir: string, stack: Stack): string {
  const dir = join(outDir, stack.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function writeResult(dir: string, result: StackPlanResult): StackPlanResult {
  writeFileSync(join(dir, "result.json"), JSON.stringify(result, null, 2) + "\n");
  return result;
}

/**
 * What the plan changes about the stack's monthly cost, written next to the plan. An estimate that fails
 * is a warning: it never fails the plan.
 */
function writeCost(dir: string, stack: Stack, plan: Record<string, unknown>, hetzner: HetznerPriceList | undefined): void {
  try {
    const cost = planCostChange(plan as Parameters<typeof planCostChange>[0], costContext(stack.env, stack, { hetzner }));
    writeFileSync(join(dir, "cost.json"), JSON.stringify(cost, null, 2) + "\n");
  } catch (err) {
    console.warn(`warning: ${stack.name}: no cost estimate: ${(err as Error).message}`);
  }
}

async function planStack(stack: Stack, outDir: string, hetzner: Promise<HetznerPriceList | undefined>): Promise<StackPlanResult> {
  const base = identity(stack);
  const dir = stackFolder(outDir, stack);
  const finish = (result: StackPlanResult) => writeResult(dir, result);

  const missing = missingCredentials(stack.env, process.env, stack.part);
  if (missing.length) return finish({ ...base, status: "not-checked", reason: `missing ${missing.join(", ")}` });
  try {
    await init(stack);
    // -lock=false: this plan is for reading (the PR comment); a plan never writes state, and plan.bin is
    // never applied (a deploy plans anew, under the lock). Taking the lock would make a PR wait for a
    // deploy, and a PR run cancelled by the next push could leave the production state locked.
    const plan = await terraform(stack, ["plan", "-input=false", "-no-color", "-lock=false", "-out=plan.bin"]);
    if (plan.exitCode !== 0) {
      const notYet = notYetPlannable(stack, plan.stderr);
      return finish(notYet ? { ...base, status: "not-checked", reason: notYet } : { ...base, status: "failed", reason: lastLines(plan.stderr || plan.stdout) });
    }
    const json = await terraform(stack, ["show", "-json", "plan.bin"]);
    if (json.exitCode !== 0) return finish({ ...base, status: "failed", reason: lastLines(json.stderr) });
    const redacted = redactPlan(parsePlanJson(json.stdout));
    writeFileSync(join(dir, "plan.json"), JSON.stringify(redacted) + "\n");
    writeCost(dir, stack, redacted, await hetzner);
    writeFileSync(join(dir, "plan.txt"), planTextOf(plan.stdout) + "\n");
    return finish({ ...base, status: "planned" });
  } catch (err) {
    return finish({ ...base, status: "failed", reason: (err as Error).message });
  }
}

/** "Plan: 3 to add, 0 to change, 0 to destroy." or "No changes." from terraform's own text; the cost change on a line of its own. */
function summaryOf(outDir: string, result: StackPlanResult): string {
  if (result.status !== "planned") return `${result.status}: ${result.reason}`;
  const text = readFileSync(join(outDir, result.stack, "plan.txt"), "utf8");
  const summary = /^(Plan: .*|No changes\..*)$/m.exec(text)?.[1] ?? "planned";
  const costFile = join(outDir, result.stack, "cost.json");
  if (!existsSync(costFile)) return summary;
  const cost = JSON.parse(readFileSync(costFile, "utf8")) as { monthlyEurAfter: number; deltaEur: number };
  return `${summary}\n  cost: ${eur(cost.monthlyEurAfter)}/month after the plan (${signedEur(cost.deltaEur)}/month)`;
}

async function main(): Promise<void> {
  const { stacks, concurrency, options } = parseStackCommand({ out: join(OUT_DIR, "plans") });
  const outDir = resolve(options.out);
  // Hetzner's prices for the cost estimates, read while synth and the plans run: live when HCLOUD_TOKEN
  // is set (a failure falls back to the price table, with a warning).
  const hetznerRead = stacks.some((s) => s.env.provider === "hetzner") ? hetznerPrices(process.env, new Date().toISOString().slice(0, 10)) : Promise.resolve(undefined);
  const hetzner = hetznerRead.then((read) => read?.prices);

  const synthError = await synthesize().then(() => undefined, (err: Error) => err.message);
  if (synthError !== undefined) {
    // Every stack gets its result all the same: without one the report would leave the stack out, and
    // the pull request would go on showing the last plan that worked.
    console.error(synthError);
    for (const stack of stacks) {
      writeResult(stackFolder(outDir, stack), { ...identity(stack), status: "failed", reason: synthError });
      console.log(`${stack.name}: failed: synth failed (above)`);
    }
    console.log(`\nresults written to ${outDir}`);
    process.exitCode = 1;
    return;
  }
  for (const env of new Set(stacks.map((stack) => stack.env))) for (const warning of environmentWarnings(env)) console.warn(`warning: ${warning}`);
  const results = await forEachStack(stacks, concurrency, (stack) => planStack(stack, outDir, hetzner));
  const warning = (await hetznerRead)?.warning;
  if (warning) console.warn(`warning: ${warning}`);
  for (const result of results) console.log(`${result.stack}: ${summaryOf(outDir, result)}`);
  console.log(`\nplans written to ${outDir}`);
  process.exitCode = results.every((r) => r.status === "planned") ? 0 : 1;
}

runCli("plan", main);
