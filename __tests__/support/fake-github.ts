import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";

/*
 * A stand-in for the few GitHub REST endpoints the reporters use, on 127.0.0.1 with a free port. It keeps
 * comments and issues in memory, paginates like GitHub (per_page/page, Link header), and records every
 * call, so tests can assert what was sent, not only the end state.
 */

export interface RecordedCall {
  readonly method: string;
  /** Path without the query, e.g. `/repos/acme/infra/issues/7/comments`. */
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body?: any;
}

export interface FakeUser {
  readonly login: string;
  readonly type: "User" | "Bot";
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  user: FakeUser;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  state_reason: string | null;
  labels: string[];
  isPullRequest: boolean;
}

interface Answer {
  readonly status: number;
  readonly json: unknown;
  readonly headers?: Record<string, string>;
}

type Handler = (match: RegExpExecArray, query: Record<string, string>, body: any) => Answer;

export class FakeGitHub {
  readonly calls: RecordedCall[] = [];
  readonly comments: FakeComment[] = [];
  readonly issues: FakeIssue[] = [];
  /** Who the token acts as; undefined answers GET /user with 403, as a workflow's GITHUB_TOKEN does. */
  tokenUser: FakeUser | undefined = { login: "plan-bot", type: "User" };
  private server?: Server;
  private nextId = 1000;
  private nextNumber = 1;
  baseUrl = "";

  constructor(readonly owner = "acme", readonly repo = "infra") {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  stop(): Promise<void> {
    return new Promise((resolve, reject) => (this.server ? this.server.close((err) => (err ? reject(err) : resolve())) : resolve()));
  }

  /** Calls other than the identity lookup, as `METHOD path`: the part of the traffic tests care about. */
  writes(): string[] {
    return this.calls.filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.path}`);
  }

  addComment(issueNumber: number, body: string, user: FakeUser = { login: "someone", type: "User" }): FakeComment {
    const comment = { id: this.nextId++, issueNumber, body, user };
    this.comments.push(comment);
    return comment;
  }

  /** A pull request or issue number for comments to live on. */
  addIssue(fields: Partial<FakeIssue> = {}): FakeIssue {
    const issue: FakeIssue = { number: this.nextNumber++, title: "", body: "", state: "open", state_reason: null, labels: [], isPullRequest: false, ...fields };
    this.issues.push(issue);
    return issue;
  }

  private routes(): [string, RegExp, Handler][] {
    const repo = `/repos/${this.owner}/${this.repo}`;
    return [
      ["GET", /^\/user$/, () => (this.tokenUser
        ? { status: 200, json: { login: this.tokenUser.login, type: this.tokenUser.type } }
        : { status: 403, json: { message: "Resource not accessible by integration" } })],
      ["GET", re(`${repo}/issues/(\\d+)/comments`), (m, q) => this.page(this.comments.filter((c) => c.issueNumber === Number(m[1])).map((c) => this.commentJson(c)), q, m.input)],
      ["POST", re(`${repo}/issues/(\\d+)/comments`), (m, _q, body) => {
        if (!this.issues.some((i) => i.number === Number(m[1]))) return notFound();
        return { status: 201, json: this.commentJson(this.addComment(Number(m[1]), body.body, this.tokenUser ?? { login: "github-actions[bot]", type: "Bot" })) };
      }],
      ["PATCH", re(`${repo}/issues/comments/(\\d+)`), (m, _q, body) => {
        const comment = this.comments.find((c) => c.id === Number(m[1]));
        if (!comment) return notFound();
        comment.body = body.body;
        return { status: 200, json: this.commentJson(comment) };
      }],
      ["GET", re(`${repo}/issues`), (m, q) => {
        const labels = q.labels ? q.labels.split(",") : [];
        const state = q.state ?? "open";
        const matching = this.issues.filter((i) => (state === "all" || i.state === state) && labels.every((l) => i.labels.includes(l)));
        return this.page(matching.sort((a, b) => b.number - a.number).map((i) => this.issueJson(i)), q, m.input);
      }],
      ["POST", re(`${repo}/issues`), (_m, _q, body) => ({ status: 201, json: this.issueJson(this.addIssue({ title: body.title, body: body.body ?? "", labels: body.labels ?? [] })) })],
      ["PATCH", re(`${repo}/issues/(\\d+)`), (m, _q, body) => {
        const issue = this.issues.find((i) => i.number === Number(m[1]));
        if (!issue) return notFound();
        for (const key of ["title", "body", "state", "state_reason"] as const) if (body[key] !== undefined) (issue as any)[key] = body[key];
        return { status: 200, json: this.issueJson(issue) };
      }],
    ];
  }

  /** One page as GitHub serves it: `page`/`per_page` (default 30), and a Link header to the next and last. */
  private page(items: unknown[], query: Record<string, string>, path: string): Answer {
    const perPage = Number(query.per_page ?? 30);
    const page = Number(query.page ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string) => `<${this.baseUrl}${path}?${new URLSearchParams({ ...query, page: String(n) })}>; rel="${rel}"`;
    const links = page < last ? [link(page + 1, "next"), link(last, "last")] : [];
    return { status: 200, json: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { link: links.join(", ") } : undefined };
  }

  private commentJson(c: FakeComment) {
    return { id: c.id, body: c.body, user: c.user, html_url: `https://github.example/${this.owner}/${this.repo}/pull/${c.issueNumber}#issuecomment-${c.id}` };
  }

  private issueJson(i: FakeIssue) {
    return {
      number: i.number, title: i.title, body: i.body, state: i.state, state_reason: i.state_reason,
      labels: i.labels.map((name) => ({ name })), html_url: `https://github.example/${this.owner}/${this.repo}/issues/${i.number}`,
      ...(i.isPullRequest ? { pull_request: { url: "" } } : {}),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    const query = Object.fromEntries(url.searchParams);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body = text ? JSON.parse(text) : undefined;
    this.calls.push({ method: req.method ?? "GET", path: url.pathname, query, ...(body === undefined ? {} : { body }) });

    const route = this.routes().find(([method, pattern]) => method === req.method && pattern.test(url.pathname));
    const answer: Answer = route ? route[2](route[1].exec(url.pathname)!, query, body) : notFound();
    res.writeHead(answer.status, { "content-type": "application/json; charset=utf-8", ...answer.headers });
    res.end(JSON.stringify(answer.json));
  }
}

const re = (path: string) => new RegExp(`^${path}$`);
const notFound = (): Answer => ({ status: 404, json: { message: "Not Found" } });
