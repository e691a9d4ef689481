import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import execa from "execa";
import { ROOT, synthApp, terraform } from "./helpers";

// Every synthesized stack, against the real providers from the offline mirror.
const { outdir, result } = synthApp();
const stacksDir = join(outdir, "stacks");

const ALL_STACKS = [
  "gcp-prod", "gcp-prod-bootstrap", "gcp-staging", "gcp-staging-bootstrap", "hetzner-prod", "hetzner-prod-apps", "hetzner-staging", "hetzner-staging-apps", "local", "vps",
];

test("the app synthesizes one stack per environment file, two for Hetzner's (machines, containers) and Google Cloud's (bootstrap, backend)", () => {
  expect(result.exitCode).toBe(0);
  expect(readdirSync(stacksDir).sort()).toEqual(ALL_STACKS);
});

describe.each(ALL_STACKS)("stack %s", (stack) => {
  const dir = join(stacksDir, stack);

  test("terraform init -backend=false installs the pinned providers from the mirror", () => {
    const init = terraform(["init", "-backend=false", "-input=false", "-no-color"], dir);
    expect(init.stderr).toBe("");
    expect(init.exitCode).toBe(0);
    expect(init.stdout).toMatch(/Terraform has been successfully initialized|OpenTofu has been successfully initialized/);
    expect(existsSync(join(dir, ".terraform.lock.hcl"))).toBe(true);
  });

  test("terraform validate passes", () => {
    const validate = terraform(["validate", "-json", "-no-color"], dir);
    const report = JSON.parse(validate.stdout);
    expect(report.diagnostics).toEqual([]);
    expect(report.valid).toBe(true);
  });
});

test("npx cdktf list shows them all", () => {
  const list = execa.sync("npx", ["cdktf", "list"], { cwd: ROOT, env: { CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0" } });
  const stacks = [...list.stdout.matchAll(/^(\S+)\s+cdktf\.out\/stacks\//gm)].map((m) => m[1]).sort();
  expect(stacks).toEqual(ALL_STACKS);
});
