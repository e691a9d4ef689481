import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// scripts/cdktf-cli/patch.cjs edits the installed cdktf CLI (lazy HCL converter, code-cached launcher).
// Here on stand-ins for the CLI's files; the installed CLI is checked in integration/cdktf-cli.test.ts.
const { PatchError, VERSION, patchCli } = require("../../scripts/cdktf-cli/patch.cjs");

/** The parts of the CLI's command bundle it edits, as cdktf-cli 0.21.0 has them. */
const ORIGINAL = [
  'xet=require("@cdktf/hcl2cdk")',
  'IE=require("@cdktf/hcl2cdk")',
  'AMe=ge(require("@cdktf/hcl2cdk"))',
  'CTe=require("@cdktf/hcl2json")',
  'VMe=require("@cdktf/hcl-tools")',
  'setTimeout(()=>{r(),process.platform==="win32"&&process.exit(0)},100)',
];
const ORIGINAL_LAUNCHER = '#!/usr/bin/env node\nrequire("./cdktf.js");\n';

function fakeCli({ version = VERSION, handlers = ORIGINAL.map((r) => `var ${r};`).join("\n") } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "cdktf-cli-"));
  mkdirSync(join(dir, "bundle", "bin", "cmds"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "cdktf-cli", version }));
  writeFileSync(join(dir, "bundle", "bin", "cmds", "handlers.js"), handlers);
  writeFileSync(join(dir, "bundle", "bin", "cdktf"), ORIGINAL_LAUNCHER);
  const read = () => ({
    handlers: readFileSync(join(dir, "bundle", "bin", "cmds", "handlers.js"), "utf8"),
    launcher: readFileSync(join(dir, "bundle", "bin", "cdktf"), "utf8"),
  });
  return { dir, read };
}

test("each eager require becomes one that loads its module on first use, and a finished command exits at once", () => {
  const cli = fakeCli();
  expect(patchCli(cli.dir, "/project/scripts/cdktf-cli/code-cache.cjs")).toBe("patched");
  const { handlers } = cli.read();
  for (const original of ORIGINAL) expect(handlers).not.toContain(original);
  expect(handlers).toContain('xet=new Proxy({},{get:(_,k)=>require("@cdktf/hcl2cdk")[k]})');
  expect(handlers).toContain('AMe=new Proxy({},{get:(_,k)=>require("@cdktf/hcl2cdk")[k]})');
  expect(handlers).toContain('VMe=new Proxy({},{get:(_,k)=>require("@cdktf/hcl-tools")[k]})');
  expect(handlers).toContain('setTimeout(()=>{r(),process.platform==="win32"&&process.exit(0)},0)');
});

test("the launcher loads the code-cache hook before the CLI, and starts the CLI without it if the hook is gone", () => {
  const cli = fakeCli();
  const hook = join(mkdtempSync(join(tmpdir(), "project-")), "code-cache.cjs");
  writeFileSync(hook, "globalThis.hooked = true;\n");
  writeFileSync(join(cli.dir, "bundle", "bin", "cdktf.js"), "console.log(globalThis.hooked ? 'cli after hook' : 'cli alone');\n");
  patchCli(cli.dir, hook);
  const launch = () => execFileSync(process.execPath, [join(cli.dir, "bundle", "bin", "cdktf")], { encoding: "utf8" });
  expect(launch()).toBe("cli after hook\n");
  rmSync(hook);
  expect(launch()).toBe("cli alone\n");
});

test("running it again changes nothing", () => {
  const cli = fakeCli();
  patchCli(cli.dir, "/project/hook.cjs");
  const once = cli.read();
  expect(patchCli(cli.dir, "/project/hook.cjs")).toBe("already patched");
  expect(cli.read()).toEqual(once);
});

test("another CLI version is left as it is, with a message saying why", () => {
  const cli = fakeCli({ version: "0.22.0" });
  const before = cli.read();
  expect(() => patchCli(cli.dir)).toThrow(new PatchError(`cdktf-cli 0.22.0 is installed; scripts/cdktf-cli/patch.cjs knows ${VERSION} only, so the CLI is left unpatched`));
  expect(cli.read()).toEqual(before);
});

test("a bundle that is not the one it knows (a require missing or twice) is left whole: no edit, no launcher", () => {
  for (const handlers of [ORIGINAL.slice(1).join(";"), [...ORIGINAL, ORIGINAL[3]].join(";")]) {
    const cli = fakeCli({ handlers });
    expect(() => patchCli(cli.dir)).toThrow(PatchError);
    expect(cli.read()).toEqual({ handlers, launcher: ORIGINAL_LAUNCHER });
  }
  const cli = fakeCli({ handlers: ORIGINAL.slice(1).join(";") });
  expect(() => patchCli(cli.dir)).toThrow(/handlers\.js: expected `xet=require\("@cdktf\/hcl2cdk"\)` exactly once, found it 0 times/);
});
