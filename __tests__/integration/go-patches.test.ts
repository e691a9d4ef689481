import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { isLocalProvider, ModuleProvider, PINNED_PROVIDERS, PinnedProvider } from "../../lib/providers";
import { downloadModule, goBuild } from "../../scripts/lib/gobuild";
import { patchedModule } from "../../scripts/lib/go-patches";
import { ROOT } from "./helpers";

/*
 * Patches the project carries on top of a pinned provider release (patches/) are applied by the Go build
 * to a copy of the downloaded module. Real `go` and `git`, a throwaway module: what is built is the
 * patched source, the module itself is never changed, and a patch that does not fit stops the build.
 */

const MAIN_GO = 'package main\n\nimport "fmt"\n\nconst greeting = "as released"\n\nfunc main() { fmt.Println(greeting) }\n';

/** A read-only module like one in Go's module cache, and a patch of it in `git diff` form. */
function moduleWithPatch(): { moduleDir: string; patch: string; work: string } {
  const work = mkdtempSync(join(tmpdir(), "go-patches-test-"));
  const moduleDir = join(work, "example.com", "hello@v1.0.0");
  mkdirSync(moduleDir, { recursive: true });
  writeFileSync(join(moduleDir, "go.mod"), "module example.com/hello\n\ngo 1.21\n");
  writeFileSync(join(moduleDir, "main.go"), MAIN_GO);
  for (const file of ["go.mod", "main.go"]) chmodSync(join(moduleDir, file), 0o444);
  chmodSync(moduleDir, 0o555);
  const patch = join(work, "0001-greet.patch");
  writeFileSync(patch, [
    "Greet as patched: text before the first diff is the patch's explanation, which git apply skips.",
    "",
    "diff --git a/main.go b/main.go",
    "--- a/main.go",
    "+++ b/main.go",
    "@@ -2,6 +2,6 @@",
    " ",
    ' import "fmt"',
    " ",
    '-const greeting = "as released"',
    '+const greeting = "as patched"',
    " ",
    " func main() { fmt.Println(greeting) }",
    "",
  ].join("\n"));
  return { moduleDir, patch, work };
}

test("the binary is built from the patched sources; the module stays as downloaded", async () => {
  const { moduleDir, patch, work } = moduleWithPatch();
  const output = join(work, "bin", "hello");
  await goBuild(moduleDir, { goModule: "example.com/hello", goPackage: ".", patches: [patch] }, output);
  expect(execa.sync(output).stdout).toBe("as patched");
  expect(readFileSync(join(moduleDir, "main.go"), "utf8")).toBe(MAIN_GO);
  expect(readdirSync(join(work, "bin"))).toEqual(["hello"]);
}, 120_000);

test("a patch that does not apply stops the build with the patch's name, and nothing is written", async () => {
  const { moduleDir, patch, work } = moduleWithPatch();
  writeFileSync(patch, readFileSync(patch, "utf8").replace('-const greeting = "as released"', '-const greeting = "another release"'));
  const scratch = mkdtempSync(join(tmpdir(), "go-patches-scratch-"));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = scratch; // where the patched copy goes: it must be gone afterwards
  try {
    const output = join(work, "bin", "hello");
    await expect(goBuild(moduleDir, { goModule: "example.com/hello", goPackage: ".", patches: [patch] }, output))
      .rejects.toThrow(`patch ${patch} does not apply to ${moduleDir}`);
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(scratch)).toEqual([]);
  } finally {
    process.env.TMPDIR = previous;
  }
});

const released = Object.entries(PINNED_PROVIDERS as Record<string, PinnedProvider>).filter((e): e is [string, ModuleProvider] => !isLocalProvider(e[1]));
test.each(released.filter(([, p]) => p.patches?.length))(
  "the %s provider's patches apply to its pinned module",
  async (_name, provider) => {
    const patched = await patchedModule(await downloadModule(provider), provider.patches!);
    try {
      for (const patch of provider.patches!) {
        // Every line a patch adds is in the patched copy.
        const diff = readFileSync(join(ROOT, patch), "utf8");
        const files = [...diff.matchAll(/^\+\+\+ b\/(.+)$/gm)].map((m) => m[1]);
        const added = diff.split("\n").filter((l) => l.startsWith("+") && !l.startsWith("+++")).map((l) => l.slice(1));
        const sources = files.map((f) => readFileSync(join(patched.dir, f), "utf8")).join("\n");
        for (const line of added) expect(sources).toContain(line);
      }
    } finally {
      patched.remove();
    }
  },
  120_000,
);
