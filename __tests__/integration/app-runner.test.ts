import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { appCommand } from "../../scripts/lib/app-command";
import { ROOT } from "./helpers";

/*
 * The app command (scripts/cdktf-app.cjs) runs the packages an app imports from a bundle it builds on the
 * second run of an entry. These tests hold it to what running the app directly means: the same output,
 * one instance of each package however a file is loaded, and a change to any file seen on the next run.
 */

const app = appCommand();
const run = (entry: string, env: Record<string, string> = {}, args: string[] = []) =>
  execa.sync(app.file, [...app.args.slice(0, -1), entry, ...args], { cwd: ROOT, reject: false, env: { NODE_OPTIONS: "", ...env } });

function outputFiles(outdir: string): Record<string, string> {
  const files = readdirSync(outdir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return Object.fromEntries(files.map((e) => [join(e.parentPath, e.name).slice(outdir.length), readFileSync(join(e.parentPath, e.name), "utf8")]));
}

test("every stack synthesizes exactly as through tsx, on an entry's first run (packages one by one) and from the bundle", () => {
  const direct = mkdtempSync(join(tmpdir(), "synth-tsx-"));
  const tsx = execa.sync("node", ["--import", "tsx", "main.ts"], { cwd: ROOT, reject: false, env: { CDKTF_OUTDIR: direct } });
  expect(tsx.stderr).toBe("");
  // The entry is a copy of main.ts under a new name, so its first run is a first run whatever ran before.
  const entry = join(ROOT, `main.test-${process.pid}.ts`);
  writeFileSync(entry, readFileSync(join(ROOT, "main.ts")));
  try {
    for (const attempt of ["first run", "second run", "third run"]) {
      const outdir = mkdtempSync(join(tmpdir(), "synth-runner-"));
      const result = run(entry, { CDKTF_OUTDIR: outdir });
      expect({ attempt, exitCode: result.exitCode, stderr: result.stderr }).toEqual({ attempt, exitCode: 0, stderr: "" });
      expect(outputFiles(outdir)).toEqual(outputFiles(direct));
    }
  } finally {
    rmSync(entry, { force: true });
  }
});

describe("an app outside the project, with a package of its own", () => {
  // node_modules: the project's cdktf and @cdktf (linked), and `counter`, a package this test edits.
  const dir = mkdtempSync(join(tmpdir(), "runner-app-"));
  const modules = join(dir, "node_modules");
  mkdirSync(join(modules, "counter"), { recursive: true });
  for (const pkg of ["cdktf", "constructs", "@cdktf"]) symlinkSync(join(ROOT, "node_modules", pkg), join(modules, pkg));
  const counter = (value: number) => writeFileSync(join(modules, "counter", "index.js"), `globalThis.counterLoads = (globalThis.counterLoads ?? 0) + 1;\nexports.value = ${value};\n`);
  counter(1);
  writeFileSync(join(modules, "counter", "package.json"), JSON.stringify({ name: "counter", version: "1.0.0", main: "index.js" }));
  // data.ts is required by a computed path, as environment files are; it requires what app.ts imports.
  // (Modules are compared as `require` returns them: an `import * as` namespace is a new object per file.)
  writeFileSync(join(dir, "data.ts"), `export default { cdktf: require("cdktf"), counter: require("counter"), dir: __dirname };\n`);
  const appFile = (extra: string) => writeFileSync(join(dir, "app.ts"), `import * as cdktf from "cdktf";
import * as counter from "counter";
${extra}
const data = require(["${dir}", "data.ts"].join("/")).default;
console.log(JSON.stringify({
  value: counter.value, counterLoads: (globalThis as any).counterLoads, sameCdktf: data.cdktf === require("cdktf"), sameCounter: data.counter === require("counter"),
  dir: data.dir, counterFromBundle: Boolean(Object.getOwnPropertyDescriptor(require.cache[require.resolve("counter")]!, "exports")!.get), ...result(),
}));
`);
  const output = () => {
    const result = run(join(dir, "app.ts"));
    expect(result.stderr).toBe("");
    return JSON.parse(result.stdout);
  };

  test("shares one instance of each package, on the first run and from the bundle, and keeps each file's __dirname", () => {
    appFile("const result = () => ({});");
    const same = { value: 1, counterLoads: 1, sameCdktf: true, sameCounter: true, dir };
    expect(output()).toEqual({ ...same, counterFromBundle: false });
    expect(output()).toEqual({ ...same, counterFromBundle: true });
    expect(output()).toEqual({ ...same, counterFromBundle: true });
  });

  test("a package's file that changes is seen on the next run", () => {
    counter(2);
    expect(output()).toMatchObject({ value: 2, counterLoads: 1, counterFromBundle: true });
    expect(output()).toMatchObject({ value: 2, counterLoads: 1, counterFromBundle: true });
  });

  test("a package the bundle lacks shares the bundle's cdktf, then joins the bundle", () => {
    appFile(`import { Password } from "@cdktf/provider-random/lib/password";
const result = () => {
  const stack = new cdktf.TerraformStack(cdktf.Testing.app(), "s");
  return { sameCdktfClasses: new Password(stack, "p", { length: 8 }) instanceof cdktf.TerraformResource };
};`);
    for (let i = 0; i < 3; i++) expect(output()).toEqual({ value: 2, counterLoads: 1, sameCdktf: true, sameCounter: true, dir, counterFromBundle: true, sameCdktfClasses: true });
  });
});

test("a script run through it sees its arguments and is the main module, as under node (npm run plan and drift)", () => {
  const dir = mkdtempSync(join(tmpdir(), "runner-script-"));
  const script = join(dir, "script.ts");
  writeFileSync(script, `const args: string[] = process.argv.slice(1);\nconsole.log(JSON.stringify({ args, main: require.main === module }));\n`);
  const result = run(script, {}, ["local", "--out", "x y"]);
  expect(result.stderr).toBe("");
  expect(JSON.parse(result.stdout)).toEqual({ args: [script, "local", "--out", "x y"], main: true });
  rmSync(dir, { recursive: true, force: true });
});
