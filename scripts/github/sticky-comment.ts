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
 * The comment to edit: the first with the marker written by us, else the first with the marker. Our
 * own is preferred because anyone can paste the marker, and only our own comments are ours to edit.
 * Pages are read until that is settled, so a long discussion does not hide the comment.
 */
async function findMarkedComment(octokit: Octokit, target: StickyComment, self: string | undefined): Promise<IssueComment | undefined> {
  let first: IssueComment | undefined;
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner: target.owner, repo: target.repo, issue_number: target.issueNumber, per_page: 100 });
  for await (const { data } of pages) {
    for (const comment of data) {
      if (!comment.body?.includes(target.marker)) continue;
      if (self !== undefined && comment.user?.login === self) return comment;
      first ??= comment;
      if (self === undefined) return first;
    }
  }
  return first;
}

/**
 * Who the token acts as. A workflow's GITHUB_TOKEN may not ask (GET /user answers 403 for app
 * installation tokens): then undefined, and the first marked comment is the one.
 */
async function ownLogin(octokit: Octokit): Promise<string | undefined> {
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login;
  } catch {
    return undefined;
  }
}
