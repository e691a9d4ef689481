import { AttributePath, PlanJson, ResourceChange } from "./plan-json";

/** What a plan does to one resource, in the words of the report's table. */
export type ChangeKind = "add" | "change" | "replace" | "destroy";
export const CHANGE_KINDS: readonly ChangeKind[] = ["add", "change", "replace", "destroy"];

export interface PlannedChange {
  readonly address: string;
  readonly kind: ChangeKind;
  /** For replaces: the attributes that force it, e.g. `keepers`, `settings[0].tier`. */
  readonly forcedBy: readonly string[];
  /** Terraform's reason in words, when it gave one (tainted, removed from the configuration, ...). */
  readonly reason?: string;
}

export interface PlanSummary {
  readonly counts: Readonly<Record<ChangeKind, number>>;
  /** Every counted change, in plan order. */
  readonly changes: readonly PlannedChange[];
  /** Whether any output changes: a plan can change outputs only, which is not "no changes". */
  readonly outputsChange: boolean;
}

// https://developer.hashicorp.com/terraform/internals/json-format#change-representation
const REASONS: Record<string, string> = {
  replace_because_tainted: "tainted",
  replace_because_cannot_update: "cannot be updated in place",
  replace_by_request: "replace requested (-replace)",
  replace_by_triggers: "replace_triggered_by",
  delete_because_no_resource_config: "removed from the configuration",
  delete_because_no_module: "its module was removed",
  delete_because_wrong_repetition: "count/for_each changed",
  delete_because_count_index: "count reduced",
  delete_because_each_key: "for_each key removed",
  delete_because_no_move_target: "moved to an address that does not exist",
};

/**
 * The kind of a change, or undefined for what the report does not count: reads of data sources,
 * no-ops, and `forget` (a `removed` block with destroy = false: Terraform stops managing the object
 * but leaves it alone).
 */
export function changeKind(actions: readonly string[]): ChangeKind | undefined {
  switch (actions.join(",")) {
    case "create": return "add";
    case "update": return "change";
    case "delete": return "destroy";
    case "delete,create":
    case "create,delete": return "replace";
    default: return undefined;
  }
}

export function summarize(plan: PlanJson): PlanSummary {
  const counts: Record<ChangeKind, number> = { add: 0, change: 0, replace: 0, destroy: 0 };
  const changes: PlannedChange[] = [];
  for (const rc of plan.resource_changes) {
    const kind = rc.mode === "managed" ? changeKind(rc.change.actions) : undefined;
    if (!kind) continue;
    counts[kind]++;
    changes.push({ address: addressOf(rc), kind, forcedBy: (rc.change.replace_paths ?? []).map(pathText), reason: rc.action_reason && REASONS[rc.action_reason] });
  }
  const outputsChange = Object.values(plan.output_changes).some((c) => changeKind(c.actions) !== undefined);
  return { counts, changes, outputsChange };
}

/** `settings[0].tier` for ["settings", 0, "tier"]. */
function pathText(path: AttributePath): string {
  return path.map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`)).join("");
}

function addressOf(rc: ResourceChange): string {
  return rc.deposed ? `${rc.address} (deposed object ${rc.deposed})` : rc.address;
}
