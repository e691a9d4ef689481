import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { PINNED_PROVIDERS } from "../../lib/providers";
import { ROOT, synthApp } from "./helpers";

const envImport = join(ROOT, "lib", "environment");

function environmentsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "envs-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const good = `import { defineEnvironment } from ${JSON.stringify(envImport)};
export default defineEnvironment({
  provider: "hetzner", residency: "eu", location: "fsn1",
  service: { image: "ghcr.io/acme/api:1.4.2", size: "cx23" }, database: { size: "cx23", postgres: 15 },
  backups: { retentionDays: 7, encryptionKey: { env: "BACKUP_ENCRYPTION_KEY" } }, state: { backend: "local" },
  images: { postgres: "ghcr.io/acme/postgres:15", proxy: "ghcr.io/acme/proxy:2.8", backup: "ghcr.io/acme/backup:1" },
});`;

test("malformed files fail synth with all their problems, and nothing is written", () => {
  const dir = environmentsDir({
    "good.ts": good,
    "broken.ts": good.replace('location: "fsn1"', 'location: "us-east"').replace("postgres: 15", 'postgres: "16"'),
  });
  const { outdir, result } = synthApp({ ENVIRONMENTS_DIR: dir });
  expect(result.exitCode).not.toBe(0);
  expect(result.stderr).toContain("broken.ts: 2 problems, no stack was synthesized:");
  expect(result.stderr).toContain('database.postgres: "16" — allowed: 15, 16, 17');
  expect(result.stderr).toContain('location: "us-east" — "us-east" (US East (ash), US) is outside what policy "eu" allows');
  expect(readdirSync(outdir)).toEqual([]);
});

test("an environment file that is not valid TypeScript fails synth naming the file and line, and nothing is written", () => {
  const dir = environmentsDir({ "a-good.ts": good, "b-cut.ts": good.slice(0, good.indexOf("service:")) });
  const { outdir, result } = synthApp({ ENVIRONMENTS_DIR: dir });
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toBe(`${join(dir, "b-cut.ts")}:4:3: Expected identifier but found end of file\nNothing ran: nothing was synthesized or written.`);
  expect(readdirSync(outdir)).toEqual([]);
});

/** An app like main.ts whose `extend` hook runs `body` (TypeScript, with `stack` in scope) for the environment b-extended (on Hetzner: its containers' stack, b-extended-apps). */
function extendingApp(dir: string, imports: string, body: string): string {
  const entry = join(mkdtempSync(join(tmpdir(), "app-")), "app.ts");
  writeFileSync(entry, `
    import { createBackendApp } from ${JSON.stringify(join(ROOT, "constructs", "backend-app"))};
    ${imports}
    createBackendApp({
      environmentsDir: ${JSON.stringify(dir)},
      extend: (stack) => { if (stack.environment.name === "b-extended") { ${body} } },
    }).synth();
  `);
  return entry;
}

test("a non-EU location in a raw resource fails synth before any stack is written", () => {
  const dir = environmentsDir({ "a-good.ts": good, "b-extended.ts": good });
  // A raw resource added to one stack, the way a project extends its stacks.
  const entry = extendingApp(dir, `import { Server } from ${JSON.stringify(join(ROOT, ".gen", "providers", "hcloud", "server"))};`,
    'new Server(stack, "injected", { name: "x", serverType: "cpx11", image: "debian-12", location: "sin" });');
  const { outdir, result } = synthApp({}, entry);
  expect(result.exitCode).not.toBe(0);
  expect(result.stderr).toMatch(/Residency policy violated; nothing was synthesized:\n {2}- b-extended-apps\/injected: location = "sin" — "sin" \(Singapore, SG\) is outside what policy "eu" allows/);
  // cdktf creates the empty stacks/ folder with the App; no stack or manifest is written.
  expect(readdirSync(outdir, { recursive: true })).toEqual(["stacks"]);
});

test("a resource of a provider with no residency table, and a location from a local, fail synth; nothing is written", () => {
  const dir = environmentsDir({ "a-good.ts": good, "b-extended.ts": good });
  const entry = extendingApp(dir, `import { TerraformLocal, TerraformResource } from ${JSON.stringify(require.resolve("cdktf"))};`, `
    new TerraformResource(stack, "exports", { terraformResourceType: "aws_s3_bucket" }).addOverride("region", "us-east-1");
    const place = new TerraformLocal(stack, "place", "ash");
    new TerraformResource(stack, "volume", { terraformResourceType: "hcloud_volume" }).addOverride("location", place.asString);
  `);
  const { outdir, result } = synthApp({}, entry);
  expect(result.exitCode).not.toBe(0);
  expect(result.stderr).toContain("Residency policy violated; nothing was synthesized:");
  expect(result.stderr).toContain('  - b-extended-apps/exports: (type) = "aws_s3_bucket" — provider "aws" has no residency table, so where it puts data cannot be judged; only providers with a location table are allowed');
  expect(result.stderr).toContain('  - b-extended-apps/volume: location = "${local.place}" — "ash" (Ashburn, VA, US) is outside what policy "eu" allows');
  expect(readdirSync(outdir, { recursive: true })).toEqual(["stacks"]);
});

test("a provider added by extend is pinned to the mirror's build in the written stack", () => {
  const dir = environmentsDir({ "a-good.ts": good, "b-extended.ts": good });
  const entry = extendingApp(dir, `import { DockerProvider } from ${JSON.stringify(require.resolve("@cdktf/provider-docker/lib/provider"))};`,
    'new DockerProvider(stack, "docker", { host: "ssh://deploy@203.0.113.10" });');
  const { outdir, result } = synthApp({}, entry);
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
  const stack = JSON.parse(readFileSync(join(outdir, "stacks", "b-extended-apps", "cdk.tf.json"), "utf8"));
  expect(stack.terraform.required_providers.docker).toEqual({ source: PINNED_PROVIDERS.docker.source, version: PINNED_PROVIDERS.docker.version });
});

describe("through the real `npx cdktf synth`, as a person runs it", () => {
  /** `npx cdktf synth` with the machine's own environment: CHECKPOINT_DISABLE unset, as on a fresh shell. */
  function cdktfSynth(args: string[], env: Record<string, string>) {
    const { CHECKPOINT_DISABLE: _unset, ...inherited } = process.env;
    const outdir = mkdtempSync(join(tmpdir(), "cdktf-out-"));
    const result = execa.sync("npx", ["cdktf", "synth", "--output", outdir, ...args], {
      cwd: ROOT, reject: false, extendEnv: false, env: { ...inherited, FORCE_COLOR: "0", ...env },
    });
    return { outdir, exitCode: result.exitCode, output: `${result.stdout}\n${result.stderr}` };
  }
  /** A line of a JavaScript stack trace, or the dump of an error's fields. */
  const STACK = /^\s+at \S.*\(.*:\d+:\d+\)$|^\s+at .*:\d+:\d+$|problemsByFile|node:internal/m;

  test("a broken environment file: every problem, no stack frame, no checkpoint error, exit 1, nothing written", () => {
    const dir = environmentsDir({
      "good.ts": good,
      "broken.ts": good.replace('location: "fsn1"', 'location: "us-east"').replace("postgres: 15", 'postgres: "16"').replace('size: "cx23" },', 'size: "cx23", replicas: 0 },'),
    });
    const run = cdktfSynth([], { ENVIRONMENTS_DIR: dir });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain("broken.ts: 3 problems, no stack was synthesized:");
    for (const problem of ['database.postgres: "16" — allowed: 15, 16, 17', "service.replicas: 0 — expected at least 1", 'location: "us-east" — "us-east" (US East (ash), US) is outside what policy "eu" allows']) {
      expect(run.output).toContain(problem);
    }
    expect(run.output).not.toMatch(STACK);
    expect(run.output).not.toContain("checkpoint-api");
    expect(readdirSync(run.outdir)).toEqual([]);
  });

  test("a residency violation in a raw resource: the violation, no stack frame, no checkpoint error, exit 1", () => {
    const dir = environmentsDir({ "a-good.ts": good, "b-extended.ts": good });
    const entry = extendingApp(dir, `import { Server } from ${JSON.stringify(join(ROOT, ".gen", "providers", "hcloud", "server"))};`,
      'new Server(stack, "injected", { name: "x", serverType: "cpx11", image: "debian-12", location: "sin" });');
    const run = cdktfSynth(["--app", `node scripts/cdktf-app.cjs ${entry}`], {});
    expect(run.exitCode).toBe(1);
    expect(run.output).toMatch(/Residency policy violated; nothing was synthesized:\n\s+- b-extended-apps\/injected: location = "sin" — "sin" \(Singapore, SG\) is outside what policy "eu" allows/);
    expect(run.output).not.toMatch(STACK);
    expect(run.output).not.toContain("checkpoint-api");
  });

  test("a valid app synthesizes without the checkpoint error either", () => {
    const run = cdktfSynth([], { ENVIRONMENTS_DIR: environmentsDir({ "good.ts": good }) });
    expect(run.exitCode).toBe(0);
    expect(run.output).not.toContain("checkpoint-api");
    expect(run.output).not.toMatch(/\[ERROR\]/);
  });
});

test("an unexpected error (a bug in the app, not a person's mistake) keeps its stack", () => {
  const dir = environmentsDir({ "a-good.ts": good, "b-extended.ts": good });
  const entry = extendingApp(dir, "", "(undefined as unknown as { node: string }).node.toString();");
  const { result } = synthApp({}, entry);
  expect(result.exitCode).not.toBe(0);
  expect(result.stderr).toContain("TypeError: Cannot read properties of undefined");
  expect(result.stderr).toMatch(/^\s+at /m);
});
