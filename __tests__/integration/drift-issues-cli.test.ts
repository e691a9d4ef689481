import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { DriftReport } from "../../scripts/lib/stack-results";
import { FakeGitHub } from "../support/fake-github";
import { ROOT } from "./helpers";

// `npm run drift-issues` as a workflow runs it, against a local GitHub; the rules themselves are in
// __tests__/unit/drift-issues.test.ts.

const writeReport = (report: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), "drift-report-")), "drift-report.json");
  writeFileSync(file, typeof report === "string" ? report : JSON.stringify(report));
  return file;
};

const cli = (args: string[], env: Record<string, string>) =>
  execa("node", ["--import", "tsx", "scripts/drift-issues.ts", ...args], { cwd: ROOT, reject: false, extendEnv: false, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env } });

describe("npm run drift-issues", () => {
  let github: FakeGitHub;
  let env: Record<string, string>;
  beforeAll(async () => {
    github = new FakeGitHub();
    env = { GITHUB_TOKEN: "test-token", GITHUB_REPOSITORY: "acme/infra", GITHUB_API_URL: await github.start() };
  });
  afterAll(() => github.stop());

  test("opens the issue of a drifted stack, then closes it when the stack is clean", async () => {
    const drifted: DriftReport = { generatedAt: "2026-11-22T01:00:00Z", stacks: [{ stack: "local", provider: "docker", status: "drifted",
      resources: [{ address: "docker_container.app-1", type: "docker_container", action: "delete", changes: [] }] }] };
    const opened = await cli(["--report", writeReport(drifted)], env);
    expect(opened.exitCode).toBe(0);
    expect(opened.stdout).toBe("local: opened https://github.example/acme/infra/issues/1");

    const clean: DriftReport = { generatedAt: "2026-11-22T02:00:00Z", stacks: [{ stack: "local", provider: "docker", status: "clean", resources: [] }] };
    const closed = await cli(["--report", writeReport(clean)], env);
    expect(closed.stdout).toBe("local: closed https://github.example/acme/infra/issues/1");
    expect(github.issues.map((i) => [i.title, i.state])).toEqual([["Drift detected: local", "closed"]]);
  });

  test.each([
    ["a malformed report", () => ["--report", writeReport({ generatedAt: "now", stacks: [{ stack: "local", status: "weird" }] })], /drift-report\.json: not a drift report[\s\S]*status/],
    ["a report that is not JSON", () => ["--report", writeReport("{")], /drift-report\.json: not valid JSON/],
    ["no --report", () => [], /--report is required/],
  ])("%s is a clear error, exit 1", async (_what, args, message) => {
    const run = await cli(args(), env);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(message);
  });

  test("a missing GITHUB_TOKEN is named", async () => {
    const run = await cli(["--report", writeReport({ generatedAt: "now", stacks: [] })], { GITHUB_REPOSITORY: "acme/infra" });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^drift-issues: GITHUB_TOKEN is not set/);
  });
});
