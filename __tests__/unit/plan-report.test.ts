import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BODY_LIMIT, code, fenced, tableCell } from "../../scripts/github/markdown";
import { StackPlanResult } from "../../scripts/lib/stack-results";
import { planReport, StackPlan } from "../../scripts/plan-report/index";
import { expectedStacks, loadStackPlans } from "../../scripts/plan-report/load";
import { PlanJson, planJsonSchema } from "../../scripts/plan-report/plan-json";
import { asDiff, capsFor, stripAnsi } from "../../scripts/plan-report/plan-text";
import { changeKind } from "../../scripts/plan-report/summary";
import { assumptionsFor, EstimateContext, GCP_TABLE, HETZNER_TABLE, planCostChange } from "../../lib/cost";

// Hand-written plans, small and to the point; __tests__/integration/plan-report.test.ts renders real ones.

type Change = { actions: string[]; before?: unknown; after?: unknown; after_unknown?: unknown; after_sensitive?: unknown; replace_paths?: (string | number)[][] };
const resource = (address: string, change: Change, extra: Record<string, unknown> = {}) =>
  ({ address, mode: address.startsWith("data.") ? "data" : "managed", type: address.replace(/^data\./, "").split(".")[0], change, ...extra });
const plan = (...resource_changes: ReturnType<typeof resource>[]): PlanJson => planJsonSchema.parse({ format_version: "1.2", resource_changes });
const planned = (stack: string, p: PlanJson, planText = "Plan: ...", policy = "eu"): StackPlan =>
  ({ result: { stack, policy, provider: "hetzner", status: "planned" }, plan: p, planText });
const notPlanned = (stack: string, status: StackPlanResult["status"], reason: string): StackPlan =>
  ({ result: { stack, policy: "eu", provider: "hetzner", status, reason } });

const hetznerProd = plan(
  resource("hcloud_server.app", { actions: ["create"], after: { name: "app", location: "fsn1" }, after_unknown: { id: true, datacenter: true } }),
  resource("hcloud_volume.pgdata", { actions: ["delete", "create"], after: { location: "nbg1", size: 40 }, replace_paths: [["location"]] }),
  resource("hcloud_server.db", { actions: ["create", "delete"], after: { location: "fsn1-dc14", user_data: "..." }, replace_paths: [["user_data"], ["network", 0, "ip"]] }),
  resource("hcloud_firewall.old", { actions: ["delete"], after: null }, { action_reason: "delete_because_no_resource_config" }),
  resource("hcloud_network.main", { actions: ["update"], after: { network_zone: "eu-central" } }),
  resource("hcloud_zone.dns", { actions: ["no-op"], after: { zone: "acme.de" } }),
  resource("data.hcloud_image.debian", { actions: ["read"], after: { name: "debian-12" } }),
);

describe("plan report", () => {
  const report = planReport([
    planned("hetzner-prod", hetznerProd),
    planned("local", plan(resource("docker_network.edge", { actions: ["no-op"], after: { name: "edge" } }))),
    planned("offshore", plan(resource("hcloud_server.app", { actions: ["create"], after: { location: "ash" } }))),
    notPlanned("gcp-prod", "not-checked", "missing GOOGLE_APPLICATION_CREDENTIALS"),
    notPlanned("vps", "failed", "Error: Failed to query available provider packages\n```\nboom | pipe"),
  ]);

  test("counts add / change / replace / destroy per stack; reads and no-ops are not changes", () => {
    expect(report).toContain("| `hetzner-prod` | planned | 1 | 1 | **2** | **1** |");
    expect(report).toContain("| `local` | no changes | 0 | 0 | 0 | 0 |");
    expect(report).toContain("| `offshore` | planned | 1 | 0 | 0 | 0 |");
    expect(report).toContain("| `gcp-prod` | ⚠️ not checked: missing GOOGLE_APPLICATION_CREDENTIALS |  |  |  |  |");
    expect(report).toContain("| `vps` | ❌ failed |  |  |  |  |");
    expect(report).toContain("5 stacks: 2 with changes, 1 without changes, 1 failed, 1 not checked.");
  });

  test.each([
    [["create"], "add"], [["update"], "change"], [["delete"], "destroy"], [["delete", "create"], "replace"], [["create", "delete"], "replace"],
    [["read"], undefined], [["no-op"], undefined], [["forget"], undefined],
  ])("actions %j are %s", (actions, kind) => {
    expect(changeKind(actions as string[])).toBe(kind);
  });

  test("replaced and destroyed resources come first, in a caution alert, with what forces each replace", () => {
    const alert = report.slice(report.indexOf("> [!CAUTION]\n> **3 resources"), report.indexOf("> [!CAUTION]\n> **Residency"));
    expect(alert.split("\n").filter((l) => l.startsWith("> - "))).toEqual([
      "> - `hetzner-prod`: `hcloud_volume.pgdata` **replaced** (forced by `location`)",
      "> - `hetzner-prod`: `hcloud_server.db` **replaced** (forced by `user_data`, `network[0].ip`)",
      "> - `hetzner-prod`: `hcloud_firewall.old` **destroyed** (removed from the configuration)",
    ]);
    expect(report.indexOf("> [!CAUTION]")).toBeLessThan(report.indexOf("| stack |"));
  });

  test("a location outside the policy is reported loudly, at the top and in its stack", () => {
    expect(report).toContain("> **Residency policy violated (1 finding):**\n> - `offshore`: `hcloud_server.app` `location` = `ash`: \"ash\" (Ashburn, VA, US) is outside what policy \"eu\" allows");
    expect(report).toContain("### `offshore`: 1 to add, 0 to change, 0 to replace, 0 to destroy\n\n❌ **Residency policy `eu` violated**: 1 finding, listed at the top.");
  });

  test("allowed locations are summarized once each, and values known only after apply are named", () => {
    expect(report).toContain("✅ **Residency** `eu`: fsn1 (DE), nbg1 (DE), eu-central (DE/FI); 1 location value known only after apply, not judged (`hcloud_server.app.datacenter`)");
  });

  test("stacks without changes and stacks not checked are one line each; a failure shows terraform's error", () => {
    expect(report).toMatch(/^- `local`: no changes · ✅ \*\*Residency\*\* `eu`: no location attributes in this plan$/m);
    expect(report).toMatch(/^- `gcp-prod`: ⚠️ not checked: missing GOOGLE_APPLICATION_CREDENTIALS$/m);
    expect(report).not.toContain("Plan of `local`");
    expect(report).toContain("### `vps`: ❌ plan failed\n\n<details><summary>Terraform's error</summary>\n\n````text\nError: Failed to query available provider packages\n```\nboom | pipe\n````");
  });

  test("a policy lib/residency does not know is a finding, not a pass", () => {
    const r = planReport([planned("odd", plan(resource("hcloud_server.app", { actions: ["create"], after: { location: "fsn1" } })), "Plan", "galactic")]);
    expect(r).toContain('> - `odd`: no residency policy "galactic" (known: eu, eu-sovereign); nothing was judged');
  });

  test("a sensitive location value is neither printed nor judged", () => {
    const r = planReport([planned("secretive", plan(resource("hcloud_server.app", { actions: ["create"], after: { location: "sin" }, after_sensitive: { location: true } })))]);
    expect(r).not.toContain("sin");
    expect(r).toContain("1 sensitive location value not judged (`hcloud_server.app.location`)");
  });

  test("a plan that only changes outputs is not \"no changes\"", () => {
    const outputsOnly = planJsonSchema.parse({ resource_changes: [], output_changes: { url: { actions: ["update"] } } });
    const r = planReport([planned("outputs", outputsOnly, "Changes to Outputs:\n  ~ url = \"a\" -> \"b\"")]);
    expect(r).toContain("### `outputs`: 0 to add, 0 to change, 0 to replace, 0 to destroy");
    expect(r).toContain("| `outputs` | planned |");
  });
});

describe("plan text in the comment", () => {
  test("colours are stripped and change markers moved to the first column, keeping the width", () => {
    const text = "\x1b[1m  # x will be updated\x1b[0m\n  \x1b[33m~\x1b[0m resource \"a\" \"b\" {\n      + tag = \"v\"\n-/+ resource \"c\" \"d\" {\n      - old = 1 -> null\n";
    expect(asDiff(text).split("\n")).toEqual([
      "  # x will be updated",
      "!   resource \"a\" \"b\" {",
      "+       tag = \"v\"",
      "!   resource \"c\" \"d\" {",
      "-       old = 1 -> null",
      "",
    ]);
    expect(stripAnsi("\x1b]8;;https://x\x07link\x1b]8;;\x07 \x1b[31;1mred\x1b[0m")).toBe("link red");
  });

  test("when the plans do not fit, the longest are cut first, at whole lines, inside closed fences", () => {
    const lines = (n: number, stack: string) => Array.from({ length: n }, (_, i) => `  + ${stack} line ${i} ${"x".repeat(40)}`).join("\n") + "\n";
    const report = planReport([
      planned("huge", plan(resource("hcloud_server.a", { actions: ["create"] })), lines(4000, "huge")),
      planned("big", plan(resource("hcloud_server.a", { actions: ["create"] })), lines(1500, "big")),
      planned("small", plan(resource("hcloud_server.a", { actions: ["create"] })), "```\n" + lines(20, "small") + "```\n"),
    ]);

    expect(report.length).toBeLessThanOrEqual(BODY_LIMIT);
    expect(report.length).toBeGreaterThan(BODY_LIMIT - 3000);
    // Every fence opened is closed, with the same length; the small plan's own ``` lines (inside) need a longer fence.
    const fences = report.split("\n").filter((l) => /^`{3,}/.test(l)).map((l) => l.match(/^`+/)![0].length);
    expect(fences).toEqual([3, 3, 3, 3, 4, 3, 3, 4]);
    expect(report.match(/<details>/g)).toHaveLength(3);
    expect(report.match(/<\/details>/g)).toHaveLength(3);
    // Cut at a line boundary: the last line before each closing fence is a whole plan line.
    for (const stack of ["huge", "big"]) {
      const before = report.split("\n")[report.split("\n").findIndex((l, i, all) => l === "```" && all[i - 1].includes(`${stack} line`)) - 1];
      expect(before).toMatch(new RegExp(`^\\+ {3}${stack} line \\d+ x{40}$`));
    }
    expect(report).toMatch(/Plan of `huge` \(4000 lines\)[\s\S]*✂️ Truncated: the first \d+ of 4000 lines are shown/);
    expect(report).toMatch(/✂️ Truncated: the first \d+ of 1500 lines are shown/);
    expect(report).toContain("+   small line 19");
    expect(report.match(/✂️/g)).toHaveLength(2);
  });

  test("the note points at the workflow run when there is one", () => {
    const long = "  + line\n".repeat(20000);
    const report = planReport([planned("huge", plan(resource("hcloud_server.a", { actions: ["create"] })), long)], { runUrl: "https://github.example/acme/infra/actions/runs/42" });
    expect(report).toContain("The full plan is in the [workflow run](https://github.example/acme/infra/actions/runs/42)'s artifacts (`huge/plan.txt`).");
  });

  test.each([
    [[100, 200, 300], 1000, [Infinity, Infinity, Infinity]],
    [[100, 200, 300], 500, [Infinity, Infinity, 200]],
    [[100, 200, 300], 450, [Infinity, 175, 175]],
    [[1000, 10], 20, [10, Infinity]],
    [[50, 50], 0, [0, 0]],
  ])("capsFor(%j, %d) shares the room, longest cut first", (lengths, available, caps) => {
    expect(capsFor(lengths, available)).toEqual(caps);
  });
});

describe("markdown for text we do not control", () => {
  test.each([
    ["plain", "`plain`"], ["a`b", "``a`b``"], ["`x`", "`` `x` ``"], ["a``b", "```a``b```"],
  ])("code(%j) is %s", (text, expected) => expect(code(text)).toBe(expected));

  test("a fence is longer than any backtick run in its text", () => {
    expect(fenced("a\n````\nb", "diff")).toBe("`````diff\na\n````\nb\n`````");
  });

  test("table cells stay on one line and keep their pipes", () => {
    expect(tableCell("a | b\n  c")).toBe("a \\| b c");
  });
});

describe("reading what the plan jobs left: a stack the run was to plan never vanishes", () => {
  /** The layout `npm run plan -- --out <dir>` writes; `null` for a stack folder without result.json. */
  function planFolders(stacks: Record<string, StackPlanResult | null>): string {
    const dir = mkdtempSync(join(tmpdir(), "plan-report-load-"));
    for (const [stack, result] of Object.entries(stacks)) {
      mkdirSync(join(dir, stack));
      if (result) writeFileSync(join(dir, stack, "result.json"), JSON.stringify(result));
    }
    return dir;
  }
  const notChecked = notPlanned("gcp-prod", "not-checked", "missing GOOGLE_APPLICATION_CREDENTIALS").result;

  test("an expected stack without a result is shown as failed, with why; the others as they were", () => {
    const dir = planFolders({ "gcp-prod": notChecked, "hetzner-prod": null });
    const loaded = loadStackPlans(dir, ["gcp-prod", "hetzner-prod", "vps"]);

    expect(loaded.missing).toEqual(["hetzner-prod", "vps"]);
    expect(loaded.skipped).toEqual([join(dir, "hetzner-prod")]);
    const report = planReport(loaded.stacks);
    expect(report).toContain("3 stacks: 2 failed, 1 not checked.");
    expect(report).toContain("| `hetzner-prod` | ❌ failed |  |  |  |  |");
    expect(report).toContain("| `vps` | ❌ failed |  |  |  |  |");
    expect(report).toContain("### `vps`: ❌ plan failed\n\n<details><summary>Terraform's error</summary>\n\n```text\nno plan result: the stack's plan job ended before writing one");
    expect(report).toContain("- `gcp-prod`: ⚠️ not checked: missing GOOGLE_APPLICATION_CREDENTIALS");
  });

  test("no folder at all (every job died before uploading): every expected stack is failed", () => {
    const { stacks, missing } = loadStackPlans("/nonexistent/plans", ["hetzner-prod", "vps"]);
    expect(missing).toEqual(["hetzner-prod", "vps"]);
    expect(stacks.map((s) => [s.result.stack, s.result.status])).toEqual([["hetzner-prod", "failed"], ["vps", "failed"]]);
  });

  test("without expected stacks the folder is all there is: a folder without result.json is skipped, a missing folder is an error", () => {
    const dir = planFolders({ "gcp-prod": notChecked, "hetzner-prod": null });
    expect(loadStackPlans(dir)).toMatchObject({ stacks: [{ result: notChecked }], skipped: [join(dir, "hetzner-prod")], missing: [] });
    expect(() => loadStackPlans("/nonexistent/plans")).toThrow("--in /nonexistent/plans: no such folder");
  });

  test("--expect takes stack names separated by commas or spaces, and refuses anything else by name", () => {
    expect(expectedStacks(undefined)).toEqual([]);
    expect(expectedStacks("hetzner-prod,gcp-prod vps,hetzner-prod")).toEqual(["hetzner-prod", "gcp-prod", "vps"]);
    expect(() => expectedStacks(" , ")).toThrow("--expect: no stack names given");
    expect(() => expectedStacks('hetzner-prod,{"include":[]}')).toThrow('--expect: "{\\"include\\":[]}" is not a stack name: lower-case letters, digits and dashes');
    expect(() => expectedStacks("Prod,../x")).toThrow('--expect: "Prod", "../x" are not stack names');
  });
});

describe("the monthly cost in the comment: each stack's total after the change, and what changes it", () => {
  const context = (target: string): EstimateContext => ({
    stack: "s", target, part: "main", assumptions: assumptionsFor(), hetzner: HETZNER_TABLE, gcp: GCP_TABLE, gcpRegion: "europe-west3", today: "2026-12-01",
  });
  const server = { server_type: "cx33", location: "fsn1", backups: false, public_net: [{ ipv4_enabled: true, ipv4: "1001" }] };
  const zone = { dns_name: "acme.eu." };
  const addsLoadBalancer = plan(
    resource("hcloud_server.app", { actions: ["no-op"], before: server, after: server }),
    resource("hcloud_load_balancer.app", { actions: ["create"], after: { load_balancer_type: "lb11", location: "fsn1" }, after_unknown: { id: true } }),
  );
  const unchanged = plan(
    resource("google_dns_managed_zone.zone", { actions: ["no-op"], before: zone, after: zone }),
    resource("google_logging_project_bucket_config.logs", { actions: ["no-op"], before: { location: "europe-west3" }, after: { location: "europe-west3" } }),
  );
  const withCost = (stack: string, p: PlanJson, target: string): StackPlan => ({ ...planned(stack, p), cost: planCostChange(p, context(target)) });
  const report = planReport([withCost("hetzner-prod", addsLoadBalancer, "hetzner"), withCost("gcp-prod", unchanged, "gcp"), notPlanned("vps", "not-checked", "missing SSH_PRIVATE_KEY")]);

  test("a cost line per stack: the total after the change, and the load balancer the change adds", () => {
    const section = report.slice(report.indexOf("**Monthly cost**"), report.indexOf("### "));
    expect(section.split("\n").filter((l) => l.startsWith("- "))).toEqual([
      // cx33 8.49 + its IPv4 0.50 before; the lb11 adds 7.49
      "- `gcp-prod`: **€0.17/month** after this change (no change) · not priced: `google_logging_project_bucket_config.logs`",
      "- `hetzner-prod`: **€16.48/month** after this change (+€7.49/month: `hcloud_load_balancer.app` lb11)",
    ]);
    expect(report.indexOf("| stack |")).toBeLessThan(report.indexOf("**Monthly cost**"));
    expect(section).toContain("Prices as of 2026-08-20, 2026-09-29: ");
    expect(section).toContain("Usage assumed: bucketGb 10, backupGb 20, logsGb 1, egressGb 100, requestsPerMonth 1,000,000, requestSeconds 0.2.");
  });

  test("stacks without an estimate (not planned, or planned before plans wrote one) get no cost line; none at all, no section", () => {
    expect(report).not.toContain("- `vps`: **");
    expect(planReport([planned("hetzner-prod", addsLoadBalancer)])).not.toContain("Monthly cost");
  });

  test("the cost change npm run plan wrote next to the plan is read back, and checked", () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-report-cost-"));
    const folder = join(dir, "hetzner-prod");
    mkdirSync(folder);
    const cost = planCostChange(addsLoadBalancer, context("hetzner"));
    writeFileSync(join(folder, "result.json"), JSON.stringify({ stack: "hetzner-prod", policy: "eu", provider: "hetzner", status: "planned" }));
    writeFileSync(join(folder, "plan.json"), JSON.stringify(addsLoadBalancer));
    writeFileSync(join(folder, "plan.txt"), "Plan: 1 to add, 0 to change, 0 to destroy.\n");
    writeFileSync(join(folder, "cost.json"), JSON.stringify(cost));
    const loaded = loadStackPlans(dir);
    expect(loaded.stacks[0].cost).toEqual(cost);
    expect(planReport(loaded.stacks)).toContain("- `hetzner-prod`: **€16.48/month** after this change (+€7.49/month: `hcloud_load_balancer.app` lb11)");

    writeFileSync(join(folder, "cost.json"), JSON.stringify({ ...cost, deltaEur: "a lot" }));
    expect(() => loadStackPlans(dir)).toThrow(`${join(folder, "cost.json")}: not a plan's cost change as \`npm run plan\` writes it`);
  });
});
