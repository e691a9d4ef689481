// Runs every jest tier and ends with one plain "N passed, N failed" line, the summary CI reads.
const { spawnSync } = require("node:child_process");
const { mkdtempSync, readFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const report = join(mkdtempSync(join(tmpdir(), "jest-")), "report.json");
const jest = spawnSync("npx", ["jest", "--json", `--outputFile=${report}`, ...process.argv.slice(2)], { stdio: "inherit" });
let summary = "0 passed, 1 failed";
try {
  const r = JSON.parse(readFileSync(report, "utf8"));
  summary = `${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed${r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""}`;
} catch { /* jest did not get as far as a report: counted as a failure */ }
console.log(`\nTests: ${summary}`);
process.exit(jest.status ?? 1);
