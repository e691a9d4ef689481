/*
 * npm run plan-report -- --in <dir> [--expect <stack,...>] [--out <file.md>] [--post [--pr N]]
 *
 * Renders what `npm run plan -- --out <dir>` wrote (one folder per stack) as one Markdown comment for a
 * pull request: counts per stack, replaced and destroyed resources at the top, residency findings, each
 * stack's monthly cost after the change and what changes it (from the cost.json `npm run plan` writes), and
 * each plan in a collapsed section. Writes it to --out, else prints it. With --post it also becomes the
 * PR's sticky comment (created once, then edited in place), which needs GITHUB_TOKEN and
 * GITHUB_REPOSITORY, and the PR number from --pr or the pull_request event (GITHUB_EVENT_PATH).
 * --expect names the stacks the run was to plan: any of them without a result shows as failed.
 */
import { writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { octokitFromEnv, pullRequestNumber, repositoryFromEnv, workflowRunUrl } from "./github/client";
import { upsertStickyComment } from "./github/sticky-comment";
import { PLAN_MARKER, planReport } from "./plan-report/index";
import { expectedStacks, loadStackPlans } from "./plan-report/load";
import { parseOptions, runCli } from "./lib/cli";

const USAGE = "usage: npm run plan-report -- --in <dir> [--expect <stack,...>] [--out <file.md>] [--post [--pr N]]";

async function main(): Promise<void> {
  const values = parseOptions({ in: { type: "string" }, expect: { type: "string" }, out: { type: "string" }, post: { type: "boolean", default: false }, pr: { type: "string" } }, USAGE);
  if (!values.in) throw new Error(`--in is required\n${USAGE}`);
  const expected = expectedStacks(values.expect);
  const env = process.env;
  // Everything posting needs is checked before any work, so a misconfigured workflow fails at once.
  const target = values.post
    ? { octokit: octokitFromEnv(env, "write pull-request comments (permissions: pull-requests: write)"), ...repositoryFromEnv(env), issueNumber: pullRequestNumber(values.pr, env) }
    : undefined;

  const { stacks, skipped, missing } = loadStackPlans(resolve(values.in), expected);
  for (const folder of skipped.filter((f) => !missing.includes(basename(f)))) console.error(`plan-report: ${folder} has no result.json; left out of the report`);
  for (const stack of missing) console.error(`plan-report: ${stack} has no result; shown as failed`);
  const body = planReport(stacks, { runUrl: workflowRunUrl(env) });
  if (values.out) writeFileSync(values.out, body);
  else process.stdout.write(body);

  if (target) {
    const { octokit, ...comment } = target;
    const posted = await upsertStickyComment(octokit, { ...comment, marker: PLAN_MARKER, body });
    console.error(`plan-report: ${posted.action} comment ${posted.url}`);
  }
}

runCli("plan-report", main);
