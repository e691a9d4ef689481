import { z } from "zod";
import { DriftReport, StackPlanResult } from "./stack-results";

/*
 * Checks for the files in stack-results.ts when a reporter reads them back. Typed against those
 * interfaces, so a change of the contract that is not made here too fails the type check.
 */

export const stackPlanResultSchema: z.ZodType<StackPlanResult> = z.object({
  stack: z.string().min(1),
  policy: z.string().min(1),
  provider: z.string().min(1),
  status: z.enum(["planned", "failed", "not-checked"]),
  reason: z.string().optional(),
});

const attributeChangeSchema = z.object({ path: z.string(), before: z.unknown(), after: z.unknown() });

export const driftReportSchema: z.ZodType<DriftReport> = z.object({
  generatedAt: z.string(),
  stacks: z.array(z.object({
    stack: z.string().min(1),
    provider: z.string(),
    status: z.enum(["clean", "drifted", "failed", "not-checked"]),
    reason: z.string().optional(),
    resources: z.array(z.object({
      address: z.string(),
      type: z.string(),
      action: z.enum(["update", "delete"]),
      changes: z.array(attributeChangeSchema),
    })),
  })),
});
