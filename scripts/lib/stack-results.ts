/*
 * What `npm run plan` and `npm run drift` leave behind for the reporters (PR comment, drift issues).
 * Plain JSON on disk, so a CI matrix job per stack can hand its result to the job that reports.
 *
 *   <dir>/<stack>/result.json   StackPlanResult
 *   <dir>/<stack>/plan.json     `terraform show -json` of the saved plan (when status is "planned")
 *   <dir>/<stack>/plan.txt      `terraform show -no-color` of the saved plan (when status is "planned")
 *   <dir>/<stack>/cost.json     what the plan changes about the monthly cost (lib/cost/types.ts, CostChange; when planned)
 *   drift-report.json           DriftReport
 */

/** planned: a plan exists. failed: terraform failed (reason has its error). not-checked: credentials missing. */
export type PlanStatus = "planned" | "failed" | "not-checked";

export interface StackPlanResult {
  readonly stack: string;
  /** The environment's residency policy name (`eu`, `eu-sovereign`). */
  readonly policy: string;
  /** Target provider of the environment: docker, hetzner, gcp. */
  readonly provider: string;
  readonly status: PlanStatus;
  /** Why it failed or was not checked, for humans. */
  readonly reason?: string;
}

/** clean: state matches reality. drifted: refresh found changes. */
export type DriftStatus = "clean" | "drifted" | "failed" | "not-checked";

export interface AttributeChange {
  /** Dotted path inside the resource, e.g. `labels.env` or `ports[0].external`. */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface DriftedResource {
  readonly address: string;
  readonly type: string;
  /** What refresh saw: `update` (attributes changed outside Terraform) or `delete` (gone). */
  readonly action: "update" | "delete";
  readonly changes: AttributeChange[];
}

export interface StackDrift {
  readonly stack: string;
  readonly provider: string;
  readonly status: DriftStatus;
  readonly reason?: string;
  readonly resources: DriftedResource[];
}

export interface DriftReport {
  readonly generatedAt: string;
  readonly stacks: StackDrift[];
}
