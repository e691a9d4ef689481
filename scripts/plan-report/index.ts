import type { CostChange } from "../../lib/cost";
import { StackPlanResult } from "../lib/stack-results";
import { BODY_LIMIT } from "../github/markdown";
import { PlanJson } from "./plan-json";
import { asDiff, capsFor, clip } from "./plan-text";
import { renderReport, RenderOptions, StackView } from "./render";
import { residencyFindings } from "./residency";
import { summarize } from "./summary";

export { PLAN_MARKER } from "./render";

/** What `npm run plan` left for one stack: its result, and for a planned stack the plan as JSON and text. */
export interface StackPlan {
  readonly result: StackPlanResult;
  readonly plan?: PlanJson;
  readonly planText?: string;
  /** What the plan changes about the stack's monthly cost (`<stack>/cost.json`), when `npm run plan` estimated it. */
  readonly cost?: CostChange;
}

export interface PlanReportOptions extends RenderOptions {
  /** Longest body to produce. Default: GitHub's limit less a margin for what GitHub adds when it counts. */
  readonly limit?: number;
}

const DEFAULT_LIMIT = BODY_LIMIT - 500;

/**
 * The pull-request comment for a set of stacks. Plan texts are what make a comment long, so when the
 * whole does not fit, the longest plan texts are cut first, at line boundaries, until it does; with many
 * stacks, even without them it may not, and the comment takes its brief form.
 */
export function planReport(stacks: readonly StackPlan[], options: PlanReportOptions = {}): string {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const sorted = [...stacks].sort((a, b) => a.result.stack.localeCompare(b.result.stack));
  const texts = sorted.map((s) => (s.plan && s.planText !== undefined ? asDiff(s.planText) : undefined));
  const render = (caps: readonly number[]) => renderReport(sorted.map((s, i) => view(s, texts[i], caps[i])), options);

  let caps = texts.map(() => Infinity);
  let body = render(caps);
  // Each round takes the overflow out of the plan texts; truncation notes make the rest grow a little,
  // so it can take another round or two.
  for (let round = 0; body.length > limit && round < 5; round++) {
    const shown = texts.reduce((sum, t, i) => sum + Math.min(t?.length ?? 0, caps[i]), 0);
    caps = capsFor(texts.map((t) => t?.length ?? 0), shown - (body.length - limit));
    body = render(caps);
  }
  if (body.length > limit) body = render(texts.map(() => 0));
  // Many stacks: the brief form (render.ts, RenderOptions.brief).
  if (body.length > limit) body = renderReport(sorted.map((s) => view(s, undefined, 0)), { ...options, brief: true });
  if (body.length > limit) throw new Error(`the plan report is ${body.length} characters even in brief (limit ${limit}): too many stacks for one comment`);
  return body;
}

function view(stack: StackPlan, text: string | undefined, cap: number): StackView {
  const { result, plan, cost } = stack;
  if (!plan) return { result };
  return { result, summary: summarize(plan), residency: residencyFindings(plan, result.policy), planText: text === undefined ? undefined : clip(text, cap), cost };
}
