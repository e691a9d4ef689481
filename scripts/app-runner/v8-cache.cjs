"use strict";
// Scripts compiled with V8's code cache: the app command's package bundle (vendor.cjs) and the cdktf
// CLI's files (scripts/cdktf-cli/code-cache.cjs). A cache is written when the process exits, so that it
// holds every function the run compiled, not only the script's top level.
const { readFileSync } = require("node:fs");
const vm = require("node:vm");
const { writeAtomically } = require("./compile.cjs");

/** Scripts that had no usable cache: `[cacheFile, script, afterWrite]`, written at exit. */
const fresh = [];

/**
 * Compiles `source` with the code cache in `cacheFile`. If there was none, or V8 rejected it (another
 * Node, other flags), the cache is written at exit, and then `afterWrite` runs. Throws what compiling
 * throws (a SyntaxError, say).
 */
function cachedScript(source, filename, cacheFile, afterWrite) {
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // none yet
  }
  const script = new vm.Script(source, { filename, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    if (fresh.length === 0) process.once("exit", writeFresh);
    fresh.push([cacheFile, script, afterWrite]);
  }
  return script;
}

function writeFresh() {
  for (const [cacheFile, script, afterWrite] of fresh) {
    try {
      writeAtomically(cacheFile, script.createCachedData());
      afterWrite?.();
    } catch {
      // A cache that cannot be written only costs time.
    }
  }
}

module.exports = { cachedScript };
