import { Octokit } from "@octokit/rest";
import { driftIssueBody } from "../../scripts/github/drift-issue-body";
import { syncDriftIssues } from "../../scripts/github/drift-issues";
import { BODY_LIMIT } from "../../scripts/github/markdown";
import { DriftReport, StackDrift } from "../../scripts/lib/stack-results";
import { FakeGitHub } from "../support/fake-github";

const repository = { owner: "acme", repo: "infra" };

const drifted = (stack = "local"): StackDrift => ({
  stack, provider: "docker", status: "drifted",
  resources: [
    { address: "docker_container.app-1", type: "docker_container", action: "update", changes: [{ path: "labels.env", before: "prod", after: "debug" }] },
    { address: "docker_network.edge", type: "docker_network", action: "delete", changes: [] },
  ],
});
const withStatus = (stack: string, status: StackDrift["status"], reason?: string): StackDrift => ({ stack, provider: "docker", status, reason, resources: [] });
const report = (generatedAt: string, ...stacks: StackDrift[]): DriftReport => ({ generatedAt, stacks });

describe("drift issues against a local GitHub", () => {
  let github: FakeGitHub;
  let octokit: Octokit;
  const sync = (r: DriftReport) => syncDriftIssues(octokit, repository, r);

  beforeEach(async () => {
    github = new FakeGitHub();
    octokit = new Octokit({ auth: "test-token", baseUrl: await github.start() });
  });
  afterEach(() => github.stop());

  test("a drifted stack opens one issue, later checks update it, and the first clean check closes it", async () => {
    const opened = await sync(report("2026-11-22T01:00:00Z", drifted()));
    expect(opened).toEqual([expect.objectContaining({ stack: "local", action: "opened" })]);
    const issue = github.issues[0];
    expect(issue).toMatchObject({ title: "Drift detected: local", state: "open", labels: ["drift"] });
    expect(issue.body).toContain("<!-- portable-backend:drift:local -->");
    expect(issue.body).toContain('`docker_container.app-1`: changed outside Terraform\n  - `labels.env`: `"prod"` → `"debug"`');
    expect(issue.body).toContain("`docker_network.edge`: **deleted** outside Terraform");

    const updated = await sync(report("2026-11-22T02:00:00Z", drifted()));
    expect(updated).toEqual([expect.objectContaining({ action: "updated", issue: issue.number })]);
    expect(github.issues).toHaveLength(1);
    expect(issue.body).toContain("2026-11-22T02:00:00Z");

    const closed = await sync(report("2026-11-22T03:00:00Z", withStatus("local", "clean")));
    expect(closed).toEqual([expect.objectContaining({ action: "closed", issue: issue.number })]);
    expect(issue).toMatchObject({ state: "closed", state_reason: "completed" });

    expect(github.writes()).toEqual([
      "POST /repos/acme/infra/issues",
      `PATCH /repos/acme/infra/issues/${issue.number}`,
      `POST /repos/acme/infra/issues/${issue.number}/comments`,
      `PATCH /repos/acme/infra/issues/${issue.number}`,
    ]);
    expect(github.comments[0].body).toMatch(/`local` is clean again: the drift check of 2026-11-22T03:00:00Z found no drift/);
    expect(github.calls.filter((c) => c.method === "GET").every((c) => c.query.labels === "drift" && c.query.state === "open")).toBe(true);
  });

  test.each(["not-checked", "failed"] as const)("a %s stack leaves its open issue open and untouched: unknown is not clean", async (status) => {
    await sync(report("2026-11-22T01:00:00Z", drifted()));
    const before = { ...github.issues[0] };

    const outcome = await sync(report("2026-11-22T02:00:00Z", withStatus("local", status, "missing HCLOUD_TOKEN")));

    expect(outcome).toEqual([expect.objectContaining({ action: "kept-open", issue: before.number })]);
    expect(github.issues[0]).toEqual(before);
    expect(github.writes()).toEqual(["POST /repos/acme/infra/issues"]);
  });

  test("each stack has its own issue; a clean stack without an issue needs no call", async () => {
    const outcomes = await sync(report("2026-11-22T01:00:00Z", drifted("local"), drifted("vps"), withStatus("hetzner-prod", "clean")));

    expect(outcomes.map((o) => [o.stack, o.action])).toEqual([["local", "opened"], ["vps", "opened"], ["hetzner-prod", "none"]]);
    expect(github.issues.map((i) => i.title)).toEqual(["Drift detected: local", "Drift detected: vps"]);
  });

  test("an issue closed by hand is not reopened: a new drift opens a new issue", async () => {
    await sync(report("2026-11-22T01:00:00Z", drifted()));
    github.issues[0].state = "closed";

    await sync(report("2026-11-22T02:00:00Z", drifted()));

    expect(github.issues.map((i) => i.state)).toEqual(["closed", "open"]);
  });

  test("issues found past the first page, and pull requests and unmarked issues ignored", async () => {
    for (let i = 0; i < 120; i++) github.addIssue({ title: `other ${i}`, labels: ["drift"] });
    github.addIssue({ title: "a PR mentioning it", body: "<!-- portable-backend:drift:local -->", labels: ["drift"], isPullRequest: true });
    await sync(report("2026-11-22T01:00:00Z", drifted()));
    const ours = github.issues.find((i) => i.title === "Drift detected: local")!;
    // Pushed to the last page by newer issues.
    for (let i = 0; i < 120; i++) github.addIssue({ title: `newer ${i}`, labels: ["drift"] });

    const outcome = await sync(report("2026-11-22T02:00:00Z", drifted()));

    expect(outcome).toEqual([expect.objectContaining({ action: "updated", issue: ours.number })]);
    expect(github.issues.filter((i) => i.title === "Drift detected: local")).toHaveLength(1);
  });
});

describe("drift issue body", () => {
  test("long values are shortened and backticks in them cannot break the code span", () => {
    const drift: StackDrift = { ...drifted(), resources: [{ address: "docker_container.app", type: "docker_container", action: "update",
      changes: [{ path: "command", before: "x".repeat(500), after: "echo `date`" }, { path: "env", before: undefined, after: ["A=1"] }] }] };
    const body = driftIssueBody(drift, report("2026-11-22T01:00:00Z", drift));
    expect(body).toContain(`\`"${"x".repeat(78)}…\``);
    expect(body).toContain('``"echo `date`"``');
    expect(body).toContain('`env`: (none) → `["A=1"]`');
  });

  test("a huge drift still fits in an issue, and says the list was cut", () => {
    const resources = Array.from({ length: 3000 }, (_, i) => ({ address: `docker_container.app_${i}`, type: "docker_container", action: "update" as const,
      changes: [{ path: "labels.version", before: `v${i}`, after: `v${i + 1}` }] }));
    const drift: StackDrift = { ...drifted(), resources };
    const body = driftIssueBody(drift, report("2026-11-22T01:00:00Z", drift));
    expect(body.length).toBeLessThanOrEqual(BODY_LIMIT);
    expect(body).toContain("too long for an issue");
    expect(body).toMatch(/Every drift check updates this issue/);
  });
});
