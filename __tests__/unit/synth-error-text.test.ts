import { synthErrorText } from "../../scripts/lib/stack-runner";

// A failed synth's output goes into every requested stack's result, and from there into the PR comment.
describe("what a failed synth printed, trimmed for a report", () => {
  const nodeError = [
    "/work/main/scripts/cdktf-app.cjs:30",
    "    if (!(err instanceof CompileError)) throw err;",
    "                                        ^",
    "",
    'Error: environments/gcp-x.ts: dns.provider "hetzner" is not supported by the gcp target yet (use gcp)',
    "    at Object.dns (/work/main/constructs/gcp/index.ts:48:43)",
    "    at new Backend (/work/main/constructs/backend.ts:36:11)",
    "    at Array.map (<anonymous>)",
    "    at at least one line of a message that only looks like a frame",
    "",
    "Node.js v20.20.2",
    "",
  ].join("\n");

  test("keeps the message, drops Node's stack frames and version line", () => {
    const text = synthErrorText(nodeError);
    expect(text).toContain('Error: environments/gcp-x.ts: dns.provider "hetzner" is not supported by the gcp target yet (use gcp)');
    expect(text).not.toMatch(/^\s+at .*\)$|Node\.js v/m);
    expect(text.endsWith('(use gcp)\n    at at least one line of a message that only looks like a frame')).toBe(true);
  });

  test("a long output keeps its first lines and says how many more there were", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `  - problem ${i}`);
    const text = synthErrorText(["Residency policy violated; nothing was synthesized:", ...lines].join("\n"));
    expect(text.split("\n")).toHaveLength(41);
    expect(text).toMatch(/^Residency policy violated; nothing was synthesized:\n {2}- problem 0\n/);
    expect(text.endsWith("  - problem 38\n… (61 more lines)")).toBe(true);
  });

  test("a single huge line is cut to the character limit", () => {
    expect(synthErrorText("x".repeat(10_000))).toBe(`${"x".repeat(4000)}…`);
  });
});
