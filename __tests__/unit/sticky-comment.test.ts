import { Octokit } from "@octokit/rest";
import { upsertStickyComment } from "../../scripts/github/sticky-comment";
import { FakeGitHub } from "../support/fake-github";

const MARKER = "<!-- portable-backend:plan -->";
const body = (text: string) => `${MARKER}\n${text}`;

describe("sticky plan comment against a local GitHub", () => {
  let github: FakeGitHub;
  let octokit: Octokit;
  let pr: number;
  const post = (text: string) => upsertStickyComment(octokit, { owner: "acme", repo: "infra", issueNumber: pr, marker: MARKER, body: body(text) });
  const commentsPath = () => `/repos/acme/infra/issues/${pr}/comments`;

  beforeEach(async () => {
    github = new FakeGitHub();
    octokit = new Octokit({ auth: "test-token", baseUrl: await github.start() });
    pr = github.addIssue({ isPullRequest: true }).number;
  });
  afterEach(() => github.stop());

  test("the first run creates the comment; the next runs edit that one, never a second", async () => {
    const first = await post("plan 1");
    expect(first.action).toBe("created");
    const second = await post("plan 2");
    const third = await post("plan 3");

    expect([second.action, third.action]).toEqual(["updated", "updated"]);
    expect([second.id, third.id]).toEqual([first.id, first.id]);
    expect(github.writes()).toEqual([
      `POST ${commentsPath()}`,
      `PATCH /repos/acme/infra/issues/comments/${first.id}`,
      `PATCH /repos/acme/infra/issues/comments/${first.id}`,
    ]);
    expect(github.comments.filter((c) => c.issueNumber === pr).map((c) => c.body)).toEqual([body("plan 3")]);
  });

  test("an unchanged plan makes no edit", async () => {
    await post("same plan");
    expect((await post("same plan")).action).toBe("unchanged");
    expect(github.writes()).toEqual([`POST ${commentsPath()}`]);
  });

  test("a comment past the first page is found: every page is read", async () => {
    for (let i = 0; i < 230; i++) github.addComment(pr, `discussion ${i}`);
    const sticky = github.addComment(pr, body("old plan"), { login: "plan-bot", type: "User" });
    for (let i = 0; i < 5; i++) github.addComment(pr, `more discussion ${i}`);

    const result = await post("new plan");

    expect(result).toMatchObject({ action: "updated", id: sticky.id });
    const pages = github.calls.filter((c) => c.method === "GET" && c.path === commentsPath()).map((c) => c.query.page ?? "1");
    expect(pages).toEqual(["1", "2", "3"]);
    expect(github.writes()).toEqual([`PATCH /repos/acme/infra/issues/comments/${sticky.id}`]);
  });

  test("the token's own marked comment is preferred over someone's pasted marker", async () => {
    github.addComment(pr, body("pasted by a reviewer"), { login: "reviewer", type: "User" });
    const own = github.addComment(pr, body("old plan"), { login: "plan-bot", type: "User" });

    expect(await post("new plan")).toMatchObject({ action: "updated", id: own.id });
  });

  test("with a workflow token (GET /user refused) the workflow bot's first marked comment is edited", async () => {
    github.tokenUser = undefined;
    const first = github.addComment(pr, body("old plan"), { login: "github-actions[bot]", type: "Bot" });
    github.addComment(pr, body("another"), { login: "github-actions[bot]", type: "Bot" });

    expect(await post("new plan")).toMatchObject({ action: "updated", id: first.id });
    expect(github.calls.find((c) => c.path === "/user")).toBeDefined();
  });

  test("with a workflow token, an outsider's marked comment before the bot's is neither taken over nor edited", async () => {
    github.tokenUser = undefined;
    const planted = [
      github.addComment(pr, body("all clear, merge it"), { login: "mallory", type: "User" }),
      github.addComment(pr, body("from another app"), { login: "evil-app[bot]", type: "Bot" }),
      // Not a real GitHub login (a user's cannot contain brackets); the type is checked all the same.
      github.addComment(pr, body("posing as the bot"), { login: "github-actions[bot]", type: "User" }),
    ];
    const ours = github.addComment(pr, body("old plan"), { login: "github-actions[bot]", type: "Bot" });

    expect(await post("new plan")).toMatchObject({ action: "updated", id: ours.id });
    expect(github.writes()).toEqual([`PATCH /repos/acme/infra/issues/comments/${ours.id}`]);
    expect(planted.map((c) => c.body)).toEqual([body("all clear, merge it"), body("from another app"), body("posing as the bot")]);
  });

  test("only an outsider's marked comment: a comment of our own is created, theirs is left alone", async () => {
    github.tokenUser = undefined;
    const planted = github.addComment(pr, body("all clear, merge it"), { login: "mallory", type: "User" });

    const result = await post("new plan");

    expect(result.action).toBe("created");
    expect(github.writes()).toEqual([`POST ${commentsPath()}`]);
    expect(planted.body).toBe(body("all clear, merge it"));
    expect(github.comments.find((c) => c.id === result.id)!.user).toEqual({ login: "github-actions[bot]", type: "Bot" });
    // The next run finds its own comment, not the planted one.
    expect(await post("newer plan")).toMatchObject({ action: "updated", id: result.id });
  });

  test("with a token that knows its login, a marked comment by anyone else is not edited either", async () => {
    const planted = github.addComment(pr, body("pasted by a reviewer"), { login: "reviewer", type: "User" });

    expect((await post("new plan")).action).toBe("created");
    expect(planted.body).toBe(body("pasted by a reviewer"));
  });

  test("comments on other pull requests and without the marker are left alone", async () => {
    const otherPr = github.addIssue({ isPullRequest: true }).number;
    github.addComment(otherPr, body("the other PR's plan"), { login: "plan-bot", type: "User" });
    github.addComment(pr, "LGTM", { login: "plan-bot", type: "User" });

    expect((await post("plan")).action).toBe("created");
    expect(github.comments.find((c) => c.issueNumber === otherPr)!.body).toBe(body("the other PR's plan"));
  });

  test("a body without the marker is refused before anything is sent", async () => {
    await expect(upsertStickyComment(octokit, { owner: "acme", repo: "infra", issueNumber: pr, marker: MARKER, body: "no marker" })).rejects.toThrow(/does not contain its marker/);
    expect(github.calls).toEqual([]);
  });
});
