import type { Octokit } from "@octokit/rest";
import { Repository } from "./client";

/*
 * One comment per pull request that every run edits, found again by a hidden marker in its body:
 * reviewers see the current plan in one place, and a busy PR does not collect a comment per push.
 */

export interface StickyComment extends Repository {
  readonly issueNumber: number;
  /** A hidden HTML comment the body contains, e.g. `<!-- portable-backend:plan -->`. */
  readonly marker: string;
  readonly body: string;
}

export interface StickyResult {
  readonly action: "created" | "updated" | "unchanged";
  readonly id: number;
  readonly url: string;
}

type IssueComment = Awaited<ReturnType<Octokit["rest"]["issues"]["listComments"]>>["data"][number];

export async function upsertStickyComment(octokit: Octokit, target: StickyComment): Promise<StickyResult> {
  const { owner, repo, issueNumber, marker, body } = target;
  if (!body.includes(marker)) throw new Error(`the comment body does not contain its marker ${marker}: the next run could not find it`);
  const existing = await findMarkedComment(octokit, target, await ownLogin(octokit));
  if (!existing) {
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    return { action: "created", id: data.id, url: data.html_url };
  }
  if (existing.body === body) return { action: "unchanged", id: existing.id, url: existing.html_url };
  const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
  return { action: "updated", id: data.id, url: data.html_url };
}

/**
 * The account a workflow's GITHUB_TOKEN comments as. A login ending in `[bot]` cannot be taken by a
 * person, and the type is checked as well, so a comment by this author was written by a workflow.
 */
export const WORKFLOW_BOT = { login: "github-actions[bot]", type: "Bot" } as const;

/**
 * The comment to edit: the first with the marker written by us. Anyone can paste the marker, so a
 * marked comment by someone else is never taken (editing it would hand them the plan comment, or
 * fail on their comment every run). Who "us" is: the token's own login, or, when the token may not
 * ask (a workflow token), the workflow bot. Pages are read until it is found, so a long discussion
 * does not hide the comment.
 */
async function findMarkedComment(octokit: Octokit, target: StickyComment, self: string | undefined): Promise<IssueComment | undefined> {
  const ours = (comment: IssueComment) => (self !== undefined
    ? comment.user?.login === self
    : comment.user?.login === WORKFLOW_BOT.login && comment.user?.type === WORKFLOW_BOT.type);
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner: target.owner, repo: target.repo, issue_number: target.issueNumber, per_page: 100 });
  for await (const { data } of pages) {
    const found = data.find((comment) => comment.body?.includes(target.marker) && ours(comment));
    if (found) return found;
  }
  return undefined;
}

/**
 * Who the token acts as. A workflow's GITHUB_TOKEN may not ask (GET /user answers 403 for app
 * installation tokens): then undefined, and the workflow bot's comments are ours.
 */
async function ownLogin(octokit: Octokit): Promise<string | undefined> {
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login;
  } catch {
    return undefined;
  }
}
