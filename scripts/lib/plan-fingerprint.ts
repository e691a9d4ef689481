/*
 * What a plan will do, apart from when and by whom it was made: how `npm run deploy` tells whether the plan it
 * is about to apply is the one a person approved (in another job, with other credentials, minutes earlier).
 */

interface Entry { address: string; change: { actions: string[]; after?: unknown; replace_paths?: unknown } }
interface RedactedPlan { resource_changes?: Entry[]; output_changes?: Record<string, { actions: string[]; after?: unknown }> }

const changes = (actions: string[]) => !(actions.length === 1 && (actions[0] === "no-op" || actions[0] === "read"));

/**
 * Each resource that changes: its address, the actions, the values it will have (sensitive ones already
 * redacted) and what forces its replacement; each output that changes. Not the values it had (`before`),
 * which a refresh between the two plans may see differently without changing what is applied.
 */
export function planChanges(plan: RedactedPlan): Record<string, unknown> {
  const resources = (plan.resource_changes ?? []).filter((r) => changes(r.change.actions))
    .map((r) => [r.address, { actions: r.change.actions, after: r.change.after ?? null, replace: r.change.replace_paths ?? null }] as const);
  const outputs = Object.entries(plan.output_changes ?? {}).filter(([, c]) => changes(c.actions))
    .map(([name, c]) => [`output.${name}`, { actions: c.actions, after: c.after ?? null }] as const);
  return Object.fromEntries([...resources, ...outputs].sort(([a], [b]) => a.localeCompare(b)));
}

/** JSON with every object's keys in order, so that equal plans give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The resources and outputs whose planned change differs between two plans (added, gone or different). */
export function differingChanges(approved: RedactedPlan, fresh: RedactedPlan): string[] {
  const [a, b] = [planChanges(approved), planChanges(fresh)];
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => canonical(a[key]) !== canonical(b[key])).sort();
}

/** Whether the plan changes anything. */
export const hasChanges = (plan: RedactedPlan): boolean => Object.keys(planChanges(plan)).length > 0;
