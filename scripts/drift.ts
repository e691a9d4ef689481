/*
 * npm run drift -- [stack ...] [--report <file>] [--concurrency N]
 *
 * Drift detection against each stack's real state: a refresh-only plan (reads every real object,
 * changes nothing, writes no state), in parallel over the stacks. Prints which resources drifted and
 * which attributes changed, and writes a JSON report (the input of `npm run drift-issues`).
 *
 * Exit: 0 every stack clean · 2 drift in any stack · 1 otherwise when a stack failed or was not checked
 * (missing credentials are never counted as clean).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { driftOf } from "./drift/changes";
import { runCli } from "./lib/cli";
import { missingCredentials } from "./lib/credentials";
import { DriftReport, StackDrift } from "./lib/stack-results";
import { forEachStack, init, lastLines, notYetPlannable, OUT_DIR, parseStackCommand, Stack, synthesize, terraform } from "./lib/stack-runner";

async function checkStack(stack: Stack): Promise<StackDrift> {
  const base = { stack: stack.name, provider: stack.env.provider, resources: [] };
  const missing = missingCredentials(stack.env, process.env, stack.part);
  if (missing.length) return { ...base, status: "not-checked", reason: `missing ${missing.join(", ")}` };
  try {
    await init(stack);
    // -lock=false: a refresh-only plan never writes state, so it must not wait for (or block) a deploy.
    const plan = await terraform(stack, ["plan", "-refresh-only", "-input=false", "-no-color", "-lock=false", "-out=drift.bin"]);
    if (plan.exitCode !== 0) {
      const notYet = notYetPlannable(stack, plan.stderr);
      return notYet ? { ...base, status: "not-checked", reason: notYet } : { ...base, status: "failed", reason: lastLines(plan.stderr || plan.stdout) };
    }
    const show = await terraform(stack, ["show", "-json", "drift.bin"]);
    if (show.exitCode !== 0) return { ...base, status: "failed", reason: lastLines(show.stderr) };
    const schemas = await terraform(stack, ["providers", "schema", "-json"]);
    if (schemas.exitCode !== 0) return { ...base, status: "failed", reason: `terraform providers schema failed:\n${lastLines(schemas.stderr)}` };
    // The plan as terraform printed it, secrets included: redacted before the comparison, a sensitive
    // value would read "(sensitive)" on both sides and its drift go unseen. driftOf hides them in what it returns.
    const resources = driftOf(show.stdout, schemas.stdout);
    return { ...base, status: resources.length ? "drifted" : "clean", resources };
  } catch (err) {
    return { ...base, status: "failed", reason: (err as Error).message };
  }
}

const short = (value: unknown) => {
  const text = JSON.stringify(value) ?? "null";
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

function print(result: StackDrift): void {
  const headline = { clean: "no drift", drifted: `DRIFTED (${result.resources.length} resources)`, failed: "FAILED", "not-checked": "NOT CHECKED" }[result.status];
  console.log(`${result.stack} (${result.provider}): ${headline}`);
  if (result.reason) console.log(result.reason.replace(/^/gm, "    "));
  for (const resource of result.resources) {
    console.log(`  ${resource.action === "delete" ? "deleted outside Terraform" : "changed outside Terraform"}: ${resource.address}`);
    for (const change of resource.changes) console.log(`      ${change.path}: ${short(change.before)} → ${short(change.after)}`);
  }
}

export function exitCodeOf(report: DriftReport): number {
  if (report.stacks.some((s) => s.status === "drifted")) return 2;
  return report.stacks.every((s) => s.status === "clean") ? 0 : 1;
}

async function main(): Promise<void> {
  const { stacks, concurrency, options } = parseStackCommand({ report: join(OUT_DIR, "drift-report.json") });

  await synthesize();
  const report: DriftReport = { generatedAt: new Date().toISOString(), stacks: await forEachStack(stacks, concurrency, checkStack) };
  report.stacks.forEach(print);
  const file = resolve(options.report);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(`\nreport written to ${file}`);
  process.exitCode = exitCodeOf(report);
}

if (require.main === module) runCli("drift", main);
