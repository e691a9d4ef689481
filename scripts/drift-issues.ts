/*
 * npm run drift-issues -- --report <drift-report.json>
 *
 * Keeps one GitHub issue per drifted stack in step with a drift report (`npm run drift` writes it):
 * opens or updates the issue of each drifted stack, closes it when the stack is clean again, and leaves
 * it open when the stack could not be checked. Needs GITHUB_TOKEN (issues: write) and GITHUB_REPOSITORY.
 */
import { resolve } from "node:path";
import { octokitFromEnv, repositoryFromEnv, workflowRunUrl } from "./github/client";
import { syncDriftIssues } from "./github/drift-issues";
import { readJsonFile } from "./lib/json-file";
import { driftReportSchema } from "./lib/stack-results-schema";
import { parseOptions, runCli } from "./lib/cli";

const USAGE = "usage: npm run drift-issues -- --report <drift-report.json>";

async function main(): Promise<void> {
  const values = parseOptions({ report: { type: "string" } }, USAGE);
  if (!values.report) throw new Error(`--report is required\n${USAGE}`);
  const env = process.env;
  const octokit = octokitFromEnv(env, "open, edit and close issues (permissions: issues: write)");
  const repository = repositoryFromEnv(env);
  const report = readJsonFile(resolve(values.report), driftReportSchema, "a drift report (see scripts/lib/stack-results.ts)");

  for (const outcome of await syncDriftIssues(octokit, repository, report, { runUrl: workflowRunUrl(env) })) {
    console.log(`${outcome.stack}: ${outcome.action}${outcome.url ? ` ${outcome.url}` : ""}`);
  }
}

runCli("drift-issues", main);
