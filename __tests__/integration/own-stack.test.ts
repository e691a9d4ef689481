import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { ROOT, terraform } from "./helpers";

/*
 * The package as another team uses it: `npm pack` here, installed into a copy of examples/own-stack (its
 * own cdktf app, TypeScript compiled against the package's types), synthesized, and validated by
 * terraform with the real providers.
 */

const work = mkdtempSync(join(tmpdir(), "own-stack-"));
const project = join(work, "own-stack");
const outdir = join(project, "cdktf.out");
const tsc = join(ROOT, "node_modules", ".bin", "tsc");
const run = (file: string, args: string[], env: Record<string, string> = {}) =>
  execa.sync(file, args, { cwd: project, reject: false, env: { CHECKPOINT_DISABLE: "1", ...env }, extendEnv: true });

let stack: any;

beforeAll(() => {
  cpSync(join(ROOT, "examples", "own-stack"), project, { recursive: true, filter: (src) => !/node_modules|cdktf\.out|dist$/.test(src) });
  const pack = execa.sync("npm", ["pack", "--silent", "--pack-destination", work], { cwd: ROOT });
  renameSync(join(work, pack.stdout.trim().split("\n").at(-1)!), join(project, "portable-backend.tgz"));
  const install = run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"]);
  if (install.exitCode !== 0) throw new Error(`npm install failed:\n${install.stderr}`);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

test("the tarball holds the built package and its generated provider bindings, and no sources, tests or scripts", () => {
  const installed = join(project, "node_modules", "portable-backend");
  const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
  expect(manifest.scripts.postinstall).toBeUndefined();
  expect(existsSync(join(installed, "dist", "index.d.ts"))).toBe(true);
  expect(existsSync(join(installed, "dist", ".gen", "providers", "portable", "provider", "index.js"))).toBe(true);
  expect(readdirSync(installed).sort()).toEqual(["README.md", "dist", "package.json"]);
});

test("the example type-checks against the package's types and synthesizes one stack with the backend next to the team's own resources", () => {
  const compile = run(tsc, ["-p", "."]);
  expect(compile.stdout + compile.stderr).toBe("");
  const synth = run("node", ["dist/main.js"], { CDKTF_OUTDIR: outdir });
  expect(synth.stderr).toBe("");
  expect(synth.exitCode).toBe(0);
  stack = JSON.parse(readFileSync(join(outdir, "stacks", "api", "cdk.tf.json"), "utf8"));

  // The team's own: its state backend, its volume, its outputs.
  expect(stack.terraform.backend.local.path).toBe("terraform.api.tfstate");
  expect(Object.values(stack.resource.docker_volume).map((v: any) => v.name)).toContain("api-uploads");
  expect(Object.keys(stack.output)).toEqual(expect.arrayContaining(["api_url", "api_database"]));
  // The backend's, named after the construct's id: Postgres, the cache, the app's replicas and its worker.
  const containers = Object.values(stack.resource.docker_container).map((c: any) => c.name as string);
  expect(containers).toEqual(expect.arrayContaining(["api-postgres", "api-cache", "api-objectstore", "api-proxy", "api-backup"]));
  expect(containers.filter((n) => n.startsWith("api-app-"))).toHaveLength(2);
  expect(containers.filter((n) => n.startsWith("api-worker-mailer-"))).toHaveLength(1);
  // One provider of each type, pinned to the mirror's builds.
  expect(stack.provider.docker).toEqual([{ host: "unix:///var/run/docker.sock" }]);
  expect(stack.terraform.required_providers.docker).toEqual({ source: "kreuzwerker/docker", version: "4.6.0" });
  expect(stack.terraform.required_providers.random.source).toBe("hashicorp/random");
}, 120_000);

test("terraform validates the stack with the real providers from the mirror", () => {
  const dir = join(outdir, "stacks", "api");
  const init = terraform(["init", "-backend=false", "-input=false", "-no-color"], dir);
  expect(init.stderr).toBe("");
  expect(init.exitCode).toBe(0);
  const validate = terraform(["validate", "-json", "-no-color"], dir);
  const report = JSON.parse(validate.stdout);
  expect(report.diagnostics).toEqual([]);
  expect(report.valid).toBe(true);
}, 120_000);

test("invalid props are refused with the construct's path, the field and what is allowed, and nothing is written", () => {
  const bad = join(work, "bad-out");
  const script = `
    const { App, TerraformStack } = require("cdktf");
    const { PortableBackend } = require("portable-backend");
    const app = new App({ outdir: ${JSON.stringify(bad)} });
    const stack = new TerraformStack(app, "web");
    try {
      new PortableBackend(stack, "api", { provider: "docker", residency: "eu", location: "us", host: { url: "unix:///var/run/docker.sock" },
        images: { postgres: "portable-backend/postgres:17", objectStore: "o:1", proxy: "p:1", backup: "b:1" },
        service: { image: "app:latest" }, database: false });
      app.synth();
    } catch (err) { console.error(err.message); process.exit(1); }`;
  const result = run("node", ["-e", script]);
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toContain("PortableBackend web/api");
  expect(result.stderr).toMatch(/- location: "us" — .*United States/);
  expect(result.stderr).toMatch(/- service\.image: "app:latest" — a pinned tag/);
  // cdktf makes the output folder and its stacks folder when the app is created; no stack is written.
  expect(readdirSync(join(bad, "stacks"))).toEqual([]);
});
