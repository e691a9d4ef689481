import { z } from "zod";

/*
 * The parts of `terraform show -json <planfile>` the report reads (format 1.x). `npm run plan` keeps
 * only these parts, redacted (scripts/lib/redact-plan.ts): no `planned_values`, no `prior_state`, so
 * everything here comes from `resource_changes` and `output_changes`. Unknown keys are let through:
 * newer Terraform versions add fields.
 */

/** A path inside a resource, as Terraform writes it: attribute names and list indexes. */
const attributePath = z.array(z.union([z.string(), z.number()]));

const change = z.looseObject({
  /** ["create"], ["update"], ["delete"], ["delete","create"] / ["create","delete"] (replace), ["read"], ["no-op"], ["forget"]. */
  actions: z.array(z.string()).min(1),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  /** Same shape as `after`, `true` where the value is known only after apply. */
  after_unknown: z.unknown().optional(),
  /** Same shape as `after`, `true` where the value is sensitive. */
  after_sensitive: z.unknown().optional(),
  /** The attributes whose change forces a replace. */
  replace_paths: z.array(attributePath).optional(),
});

const resourceChange = z.looseObject({
  address: z.string(),
  mode: z.string(),
  type: z.string(),
  /** Set when the change is to a deposed object (left over from a create-before-destroy). */
  deposed: z.string().optional(),
  /** Why Terraform chose this action, e.g. `delete_because_no_resource_config`, `replace_because_tainted`. */
  action_reason: z.string().optional(),
  change,
});

export const planJsonSchema = z.looseObject({
  format_version: z.string().optional(),
  errored: z.boolean().optional(),
  resource_changes: z.array(resourceChange).default([]),
  output_changes: z.record(z.string(), z.looseObject({ actions: z.array(z.string()) })).default({}),
});

export type PlanJson = z.infer<typeof planJsonSchema>;
export type ResourceChange = z.infer<typeof resourceChange>;
export type AttributePath = z.infer<typeof attributePath>;
