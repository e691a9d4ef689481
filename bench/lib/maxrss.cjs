// Preloaded with `node --require` into a measured process: at exit it writes the process's own peak
// resident set size and CPU time to $BENCH_RUSAGE_FILE (process.resourceUsage(): maxRSS is in KiB).
// Plain CommonJS so it loads before any TypeScript loader.
"use strict";
const { writeFileSync } = require("node:fs");

const file = process.env.BENCH_RUSAGE_FILE;
if (file) {
  delete process.env.BENCH_RUSAGE_FILE; // only this process reports, not what it spawns
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
  });
}
