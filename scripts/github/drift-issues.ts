import type { Octokit } from "@octokit/rest";
import { DriftReport, StackDrift } from "../lib/stack-results";
import { Repository } from "./client";
import { cleanAgainComment, DRIFT_MARKER, driftIssueBody, DriftBodyOptions, driftIssueTitle } from "./drift-issue-body";

/*
 * One open issue per drifted stack, kept in step with each drift check:
 *   drifted      → open one (label `drift`, hidden marker naming the stack), or update the open one;
 *   clean        → close the open one, with a comment saying when it was found clean;
 *   failed,
 *   not-checked  → leave it as it is: an unknown state is not a clean one, and a failing check must not
 *                  make an issue vanish. The check's own failure is the workflow's red run, so no
 *                  comment is added either (it would add one per scheduled run).
 * Stacks missing from the report are left alone for the same reason.
 * Open issues are found by label and marker: an issue whose `drift` label is removed is no longer
 * tracked, and a new one is opened if the stack drifts again.
 */

export const DRIFT_LABEL = "drift";

export type DriftIssueAction = "opened" | "updated" | "unchanged" | "closed" | "kept-open" | "none";

export interface DriftIssueOutcome {
  readonly stack: string;
  readonly action: DriftIssueAction;
  readonly issue?: number;
  readonly url?: string;
}

interface OpenIssue {
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly url: string;
}

export async function syncDriftIssues(octokit: Octokit, repository: Repository, report: DriftReport, options: DriftBodyOptions = {}): Promise<DriftIssueOutcome[]> {
  const open = await openDriftIssues(octokit, repository);
  const outcomes: DriftIssueOutcome[] = [];
  for (const drift of report.stacks) outcomes.push(await syncStack(octokit, repository, drift, open.get(drift.stack), report, options));
  return outcomes;
}

async function syncStack(octokit: Octokit, repository: Repository, drift: StackDrift, issue: OpenIssue | undefined, report: DriftReport, options: DriftBodyOptions): Promise<DriftIssueOutcome> {
  const stack = drift.stack;
  const found = issue && { issue: issue.number, url: issue.url };
  switch (drift.status) {
    case "drifted": {
      const title = driftIssueTitle(stack);
      const body = driftIssueBody(drift, report, options);
      if (!issue) {
        const { data } = await octokit.rest.issues.create({ ...repository, title, body, labels: [DRIFT_LABEL] });
        return { stack, action: "opened", issue: data.number, url: data.html_url };
      }
      if (issue.title === title && issue.body === body) return { stack, action: "unchanged", ...found };
      await octokit.rest.issues.update({ ...repository, issue_number: issue.number, title, body });
      return { stack, action: "updated", ...found };
    }
    case "clean":
      if (!issue) return { stack, action: "none" };
      await octokit.rest.issues.createComment({ ...repository, issue_number: issue.number, body: cleanAgainComment(stack, report, options) });
      await octokit.rest.issues.update({ ...repository, issue_number: issue.number, state: "closed", state_reason: "completed" });
      return { stack, action: "closed", ...found };
    case "failed":
    case "not-checked":
      return issue ? { stack, action: "kept-open", ...found } : { stack, action: "none" };
  }
}

/** Open drift issues by stack; if a stack has several, the oldest is the one kept up to date. */
async function openDriftIssues(octokit: Octokit, repository: Repository): Promise<Map<string, OpenIssue>> {
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { ...repository, state: "open", labels: DRIFT_LABEL, per_page: 100 });
  const byStack = new Map<string, OpenIssue>();
  for (const issue of [...issues].sort((a, b) => a.number - b.number)) {
    // The issues API lists pull requests too.
    if (issue.pull_request) continue;
    const stack = DRIFT_MARKER.exec(issue.body ?? "")?.[1];
    if (stack && !byStack.has(stack)) byStack.set(stack, { number: issue.number, title: issue.title, body: issue.body ?? "", url: issue.html_url });
  }
  return byStack;
}
