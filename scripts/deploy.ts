/*
 * npm run deploy -- <stack ...> --approved <dir>
 *
 * Applies what a person approved, and nothing else. <dir> is what `npm run plan -- <stack ...> --out <dir>`
 * wrote for the same commit (the deploy workflow's plan job, whose plan the approver saw). For each stack, in
 * deploy order (Hetzner's machines, then its containers): plan again under the state lock, compare what
 * that plan would change with the approved plan, and apply this saved plan only if the two are the same.
 * Otherwise stop, naming what differs: the world or the state moved since the approval (a stack applied
 * before this one changed what this one reads, another apply ran, someone changed a resource by hand),
 * and a new plan needs a new approval. Terraform itself refuses a saved plan whose state changed before it
 * is applied. A stack without changes is not applied.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ExpectedError } from "../lib/errors";
import { runCli } from "./lib/cli";
import { missingCredentials } from "./lib/credentials";
import { differingChanges, hasChanges } from "./lib/plan-fingerprint";
import { parsePlanJson, redactPlan } from "./lib/redact-plan";
import { init, lastLines, parseStackCommand, Stack, synthesize, terraform } from "./lib/stack-runner";
import { StackPlan } from "./plan-report/index";
import { loadStackPlans } from "./plan-report/load";

const USAGE = "usage: npm run deploy -- <stack ...> --approved <dir of the approved plans (npm run plan -- <stack ...> --out <dir>)>";

/** The approved plan of a stack (read as the plan comment reads it: a stack with no result is failed), or why there is none to apply. */
function approvedPlan(approved: readonly StackPlan[], stack: Stack): NonNullable<StackPlan["plan"]> {
  const { result, plan } = approved.find((s) => s.result.stack === stack.name)!;
  if (result.status !== "planned" || !plan) {
    throw new ExpectedError(`${stack.name}: its plan was ${result.status} when it was approved (${result.reason ?? "no reason given"}); ` +
      "nothing of it was approved: run the workflow again once it can be planned (after the stack it reads is deployed)");
  }
  return plan;
}

async function deployStack(stack: Stack, approvedPlans: readonly StackPlan[]): Promise<void> {
  const approved = approvedPlan(approvedPlans, stack);
  const missing = missingCredentials(stack.env, process.env, stack.part);
  if (missing.length) throw new ExpectedError(`${stack.name}: missing ${missing.join(", ")}`);
  await init(stack);
  // Under the lock (unlike a pull request's plan): no other apply may run between this plan and its apply.
  const plan = await terraform(stack, ["plan", "-input=false", "-no-color", "-out=plan.bin"]);
  if (plan.exitCode !== 0) throw new ExpectedError(`${stack.name}: terraform plan failed:\n${lastLines(plan.stderr || plan.stdout)}`);
  const shown = await terraform(stack, ["show", "-json", "plan.bin"]);
  if (shown.exitCode !== 0) throw new ExpectedError(`${stack.name}: terraform show failed:\n${lastLines(shown.stderr)}`);
  const fresh = redactPlan(parsePlanJson(shown.stdout));
  const differing = differingChanges(approved, fresh);
  if (differing.length) {
    throw new ExpectedError(`${stack.name}: the plan is not the approved one; nothing of it was applied. Differing: ${differing.join(", ")}. ` +
      "Run the workflow again to plan and approve what is there now.");
  }
  if (!hasChanges(fresh)) {
    console.log(`${stack.name}: no changes, as approved`);
    return;
  }
  console.log(`${stack.name}: the plan is the approved one; applying it`);
  const apply = await terraform(stack, ["apply", "-input=false", "-no-color", "plan.bin"]);
  process.stdout.write(apply.stdout);
  if (apply.exitCode !== 0) throw new ExpectedError(`${stack.name}: terraform apply failed:\n${lastLines(apply.stderr || apply.stdout)}`);
}

async function main(): Promise<void> {
  const { stacks, options } = parseStackCommand({ approved: "" });
  if (!options.approved) throw new ExpectedError(`--approved is required\n${USAGE}`);
  const approvedDir = resolve(options.approved);
  if (!existsSync(approvedDir)) throw new ExpectedError(`--approved ${options.approved}: no such directory\n${USAGE}`);
  const approved = loadStackPlans(approvedDir, stacks.map((s) => s.name)).stacks;
  await synthesize();
  // One after the other, in deploy order: a later stack reads what an earlier one applied.
  for (const stack of stacks) await deployStack(stack, approved);
}

runCli("npm run deploy", main);
