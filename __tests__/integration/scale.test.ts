import { tmpdir } from "node:os";
import { join } from "node:path";
import { readdirSync } from "node:fs";
import execa from "execa";
import { environmentsDir, localState } from "../../bench/lib/environments";
import { loadEnvironments } from "../../lib/environment";
import { matrix, MAX_MATRIX_JOBS } from "../../scripts/affected";
import { BODY_LIMIT } from "../../scripts/github/markdown";
import { redactPlan } from "../../scripts/lib/redact-plan";
import { planReport, StackPlan } from "../../scripts/plan-report/index";
import { planJsonSchema } from "../../scripts/plan-report/plan-json";
import { offlinePlan, ROOT, synthApp, terraformOk } from "./helpers";

// 96 environments (copies of the shipped six, mixed targets): they synthesize, CI's matrix stays within GitHub's
// limits (a clear error beyond them), and the pull-request comment for all of them stays readable and fits.
jest.setTimeout(600_000);

const BASES = ["gcp-prod", "gcp-staging", "hetzner-prod", "hetzner-staging", "local", "vps"];
const COUNT = 96;
const names = Array.from({ length: COUNT }, (_, i) => `${BASES[i % BASES.length]}-${String(i).padStart(2, "0")}`);
// Each its own state; no DNS (one zone may be created by one stack only).
const envDir = environmentsDir(names.map((name, i) => ({ name, base: BASES[i % BASES.length], overrides: `dns: undefined, ${localState(join(tmpdir(), "scale-state"), name)}` })), "scale-envs-");
const { outdir, result } = synthApp({ ENVIRONMENTS_DIR: envDir });

test("96 environments synthesize: one stack each, two for Hetzner's, and Google Cloud's bootstraps", () => {
  expect({ code: result.exitCode, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
  const hetzner = names.filter((n) => n.startsWith("hetzner-")).length;
  const gcp = names.filter((n) => n.startsWith("gcp-")).length;
  expect(readdirSync(join(outdir, "stacks"))).toHaveLength(COUNT + hetzner + gcp);
});

test("the CI matrix: one job per environment CI reaches (not the local ones), within GitHub's 256; beyond it a clear error", () => {
  const affected = execa.sync("npm", ["run", "--silent", "affected", "--", "--all"], { cwd: ROOT, reject: false, env: { ENVIRONMENTS_DIR: envDir } });
  expect(affected.exitCode).toBe(0);
  const rows = JSON.parse(affected.stdout).include as { stack: string }[];
  expect(rows.map((r) => r.stack).sort()).toEqual(names.filter((n) => !n.startsWith("local-")).sort());
  expect(rows.length).toBeLessThanOrEqual(MAX_MATRIX_JOBS);

  const environments = loadEnvironments(envDir);
  const tooMany = Array.from({ length: 3 }, () => environments).flat(); // 288
  expect(() => matrix(tooMany)).toThrow(`288 environments are affected, and a GitHub Actions matrix runs at most 256 jobs: split the change`);
});

test("the comment for all 96, 80 of them with changes: under GitHub's limit, every stack named, each unchanged one a line", () => {
  // One real plan (the google provider, offline), shown for 80 stacks; 16 without changes.
  const dir = join(outdir, "stacks", "gcp-staging-01");
  offlinePlan(dir, { GOOGLE_OAUTH_ACCESS_TOKEN: "dummy-access-token" });
  const plan = planJsonSchema.parse(redactPlan(JSON.parse(terraformOk(["show", "-json", "plan.bin"], dir).stdout)));
  const planText = terraformOk(["show", "-no-color", "plan.bin"], dir).stdout;
  const stacks: StackPlan[] = names.map((name, i) => ({
    result: { stack: name, policy: "eu", provider: "gcp", status: "planned" },
    ...(i < 80 ? { plan, planText } : { plan: planJsonSchema.parse({}), planText: "No changes." }),
  }));

  const report = planReport(stacks);
  expect(report.length).toBeLessThanOrEqual(BODY_LIMIT);
  expect(report).toContain("96 stacks: 80 with changes, 16 without changes.");
  for (const name of names) expect(report).toContain(`\`${name}\``);
  expect(report.split("\n").filter((line) => /^- `[a-z0-9-]+`: no changes/.test(line))).toHaveLength(16);
  // 80 plan texts do not fit: each says where the whole one is.
  expect(report.match(/does not fit in a comment|Truncated: the first/g)?.length).toBe(80);

  // Where even the sections do not fit (more stacks, longer residency lines), the brief form: one row per
  // changed stack, one line naming the unchanged ones, and where the plans are.
  const brief = planReport(stacks, { limit: 20_000 });
  expect(brief.length).toBeLessThanOrEqual(20_000);
  expect(brief).toContain("In brief: the full comment would pass GitHub's 65,536 characters; each stack's plan is in the workflow run's artifacts");
  expect(brief.split("\n").filter((line) => line.startsWith("| `"))).toHaveLength(80);
  expect(brief).toContain(`No changes (16): ${names.slice(80).sort().map((n) => `\`${n}\``).join(", ")}`);
  expect(brief).not.toContain("### ");
});
