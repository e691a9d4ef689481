/*
 * npm run cost -- [stack ...] [--no-synth] [--out <file>]
 *
 * What each stack costs a month, in EUR net of VAT: synthesizes the app (as `npm run plan` does; --no-synth
 * reads what cdktf.out/ already holds), prices every resource of each stack's cdk.tf.json, and prints one
 * line per priced item (what, quantity, unit price, monthly), what has no price (listed, never counted as
 * zero), the usage assumptions (an environment file's `cost` block overrides the defaults) and where the
 * prices come from and their date. Hetzner's prices are read live from its pricing API when HCLOUD_TOKEN is
 * set (HCLOUD_ENDPOINT changes the API's address), else taken from the dated table in lib/cost/prices/.
 * Writes { "stacks": { "<stack>": { monthlyEur, items, assumptions, pricesAsOf, ... } } } to --out
 * (default cdktf.out/cost.json). An environment's name selects all its stacks (Hetzner's two).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { costContext, eur, estimateStack, HETZNER_TABLE, hetznerPrices, resourcesFromConfig, StackCost, stackText } from "../lib/cost";
import { runCli } from "./lib/cli";
import { OUT_DIR, selectStacks, Stack, synthesize } from "./lib/stack-runner";

const USAGE = "usage: npm run cost -- [stack ...] [--no-synth] [--out <file>]";

function readConfig(stack: Stack): Record<string, any> {
  const file = join(stack.dir, "cdk.tf.json");
  if (!existsSync(file)) throw new Error(`${file} does not exist: synthesize first (run without --no-synth)`);
  return JSON.parse(readFileSync(file, "utf8"));
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, strict: true, options: { "no-synth": { type: "boolean", default: false }, out: { type: "string", default: join(OUT_DIR, "cost.json") } } });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const stacks = selectStacks(positionals);
  if (!values["no-synth"]) {
    console.error("cost: synthesizing the app ...");
    await synthesize();
  }
  const today = new Date().toISOString().slice(0, 10);
  const needsHetzner = stacks.some((s) => s.env.provider === "hetzner");
  const { prices: hetzner, warning } = needsHetzner ? await hetznerPrices(process.env, today) : { prices: HETZNER_TABLE, warning: undefined };
  if (warning) console.warn(`warning: ${warning}`);
  if (needsHetzner) console.log(hetzner.live ? `Hetzner prices: live, from the pricing API (HCLOUD_TOKEN is set), read ${today}.\n` : `Hetzner prices: the price table of ${hetzner.asOf} (set HCLOUD_TOKEN to read the live ones).\n`);

  const results: Record<string, StackCost & { environment: string; target: string }> = {};
  for (const stack of stacks) {
    const cost = estimateStack(resourcesFromConfig(readConfig(stack)), costContext(stack.env, stack, { hetzner, today }));
    results[stack.name] = { environment: stack.env.name, target: stack.env.provider, ...cost };
    console.log(`${stackText(stack.name, cost, `${stack.name} (${stack.env.provider}${stack.part === "apps" ? ", containers" : stack.env.provider === "hetzner" ? ", machines" : ""})`).join("\n")}\n`);
  }
  // An environment of several stacks (Hetzner's machines and containers): its total too.
  for (const env of new Set(stacks.map((s) => s.env))) {
    const own = stacks.filter((s) => s.env === env);
    if (own.length < 2) continue;
    const total = own.reduce((sum, s) => sum + results[s.name].monthlyEur, 0);
    console.log(`${env.name} (${own.map((s) => s.name).join(" + ")}): ${eur(total)} a month\n`);
  }
  const out = resolve(values.out!);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ stacks: results }, null, 2) + "\n");
  console.log(`written to ${relative(process.cwd(), out) || out}`);
}

runCli("cost", main);
