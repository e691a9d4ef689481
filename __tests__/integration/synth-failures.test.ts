import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
  backups: { retentionDays: 7 }, state: { backend: "local" },
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

test("a non-EU location in a raw resource fails synth before any stack is written", () => {
  const dir = environmentsDir({ "a-good.ts": good, "b-extended.ts": good });
  // An app like main.ts that adds a raw resource to one stack, the way a project extends its stacks.
  const entry = join(mkdtempSync(join(tmpdir(), "app-")), "app.ts");
  writeFileSync(entry, `
    import { createBackendApp } from ${JSON.stringify(join(ROOT, "constructs", "backend-app"))};
    import { Server } from ${JSON.stringify(join(ROOT, ".gen", "providers", "hcloud", "server"))};
    createBackendApp({
      environmentsDir: ${JSON.stringify(dir)},
      extend: (stack) => { if (stack.node.id === "b-extended") new Server(stack, "injected", { name: "x", serverType: "cpx11", image: "debian-12", location: "sin" }); },
    }).synth();
  `);
  const { outdir, result } = synthApp({}, entry);
  expect(result.exitCode).not.toBe(0);
  expect(result.stderr).toMatch(/Residency policy violated; nothing was synthesized:\n {2}- b-extended\/injected: location = "sin" — "sin" \(Singapore, SG\) is outside what policy "eu" allows/);
  // cdktf creates the empty stacks/ folder with the App; no stack or manifest is written.
  expect(readdirSync(outdir, { recursive: true })).toEqual(["stacks"]);
});
