/*
 * npm run tools — development tools built from their Go modules (no release downloads needed), cached
 * in ~/.cache/portable-backend and linked into node_modules/.bin:
 *   actionlint  checks .github/workflows (run by the test suite).
 */
import { existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { buildCached, GoBinary } from "./lib/gobuild";
import { CACHE_DIR, LOCAL_BIN_DIR } from "./lib/paths";
import { Progress } from "./lib/progress";

export const ACTIONLINT: GoBinary = {
  goModule: "github.com/rhysd/actionlint",
  goVersion: "v1.7.12",
  goSum: "h1:vQ4GeJN86C0QH+gTUQcs8McmK62OLT3kmakPMtEWYnY=",
  goPackage: "./cmd/actionlint",
};

/** Where `npm run tools` links actionlint; tests run it from here. */
export const ACTIONLINT_BIN = join(LOCAL_BIN_DIR, "actionlint");

async function main(): Promise<void> {
  const progress = new Progress(1, "tools");
  const binary = join(CACHE_DIR, "tools", `actionlint_${ACTIONLINT.goVersion}`);
  progress.step(1, "actionlint", `${ACTIONLINT.goModule}@${ACTIONLINT.goVersion}`);
  const built = await buildCached(ACTIONLINT, binary, (work) => progress.during("building actionlint", work));
  mkdirSync(LOCAL_BIN_DIR, { recursive: true });
  if (existsSync(ACTIONLINT_BIN)) rmSync(ACTIONLINT_BIN);
  symlinkSync(binary, ACTIONLINT_BIN);
  progress.step(1, "actionlint", `${built ? "built" : "cached"}, linked as ${ACTIONLINT_BIN}`);
  progress.done();
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(`tools: ${err.message}`);
    process.exit(1);
  });
}
