import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./paths";

export interface AppCommand {
  readonly file: string;
  readonly args: readonly string[];
}

/**
 * The app command of cdktf.json, so that `npm run plan`, `npm run drift`, the benchmark and the tests
 * synthesize exactly as `cdktf synth` does. `entry` replaces the app's entry file (its last word).
 */
export function appCommand(entry?: string): AppCommand {
  const app: unknown = JSON.parse(readFileSync(join(PROJECT_ROOT, "cdktf.json"), "utf8")).app;
  if (typeof app !== "string" || !app.trim()) throw new Error('cdktf.json: "app" must be the command that runs the app, e.g. "node scripts/cdktf-app.cjs main.ts"');
  const [file, ...args] = app.trim().split(/\s+/);
  if (entry !== undefined && args.length) args[args.length - 1] = entry;
  return { file, args };
}
