import { z } from "zod";
import { ASSUMPTION_NAMES, CostChange } from "./types";

/*
 * A check for `<stack>/cost.json` (what `npm run plan` writes) when the report reads it back from another
 * job's artifact. Typed against CostChange, so a change of the contract not made here fails the type check.
 */

const assumption = z.object({ value: z.number(), from: z.enum(["default", "environment file"]), meaning: z.string() });

export const costChangeSchema: z.ZodType<CostChange> = z.object({
  monthlyEurBefore: z.number(),
  monthlyEurAfter: z.number(),
  deltaEur: z.number(),
  changes: z.array(z.object({ key: z.string(), address: z.string(), label: z.string(), deltaEur: z.number() })),
  notPriced: z.array(z.object({ address: z.string(), type: z.string(), reason: z.string() })),
  pricesAsOf: z.string(),
  priceSources: z.array(z.string()),
  assumptions: z.object(Object.fromEntries(ASSUMPTION_NAMES.map((name) => [name, assumption])) as Record<(typeof ASSUMPTION_NAMES)[number], typeof assumption>),
});
