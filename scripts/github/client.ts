import { readFileSync } from "node:fs";
import { Octokit } from "@octokit/rest";

/*
 * The GitHub side of the reporters, configured the way a workflow step sees it: GITHUB_TOKEN (from the
 * workflow's token or a secret), and the variables Actions sets itself (GITHUB_REPOSITORY, GITHUB_API_URL,
 * GITHUB_EVENT_PATH, ...). Every missing or malformed value is an error naming the variable.
 */

type Env = Record<string, string | undefined>;

export interface Repository {
  readonly owner: string;
  readonly repo: string;
}

/** An authenticated client; `needs` says what the token must be allowed, for the error when it is missing. */
export function octokitFromEnv(env: Env, needs: string): Octokit {
  const token = env.GITHUB_TOKEN;
  if (!token) throw new Error(`GITHUB_TOKEN is not set: a token allowed to ${needs} is needed (in a workflow: env: GITHUB_TOKEN: \${{ github.token }})`);
  // GITHUB_API_URL points at GitHub Enterprise Server's API where there is one; Octokit's default otherwise.
  return new Octokit({ auth: token, userAgent: "portable-backend-reporter", ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL.replace(/\/+$/, "") } : {}) });
}

export function repositoryFromEnv(env: Env): Repository {
  const value = env.GITHUB_REPOSITORY;
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(value ?? "");
  if (!match) throw new Error(`GITHUB_REPOSITORY ${value ? `is "${value}"` : "is not set"}: expected owner/repo`);
  return { owner: match[1], repo: match[2] };
}

/** The pull request to comment on: `--pr`, else the pull_request event that started the workflow. */
export function pullRequestNumber(flag: string | undefined, env: Env): number {
  if (flag !== undefined) {
    if (!/^[1-9][0-9]*$/.test(flag)) throw new Error(`--pr: expected a pull-request number, got "${flag}"`);
    return Number(flag);
  }
  const file = env.GITHUB_EVENT_PATH;
  if (!file) throw new Error("no pull request: pass --pr N, or run in a pull_request workflow (GITHUB_EVENT_PATH is not set)");
  let event: { pull_request?: { number?: unknown } };
  try {
    event = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`GITHUB_EVENT_PATH=${file}: cannot read the event (${(err as Error).message})`);
  }
  const number = event.pull_request?.number;
  if (typeof number !== "number") throw new Error(`GITHUB_EVENT_PATH=${file}: the event has no pull_request.number (not a pull_request event?); pass --pr N`);
  return number;
}

/** The page of the running workflow, when there is one: where its artifacts (the full plans) are. */
export function workflowRunUrl(env: Env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: run } = env;
  return server && repository && run ? `${server}/${repository}/actions/runs/${run}` : undefined;
}
