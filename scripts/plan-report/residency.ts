import { judgeLocation, Location, RESIDENCY_POLICIES, ResidencyPolicy, tableForTerraformProvider } from "../../lib/residency";
import { locationAttributes } from "../../lib/residency/attributes";
import { redact, REDACTED } from "../lib/redact-plan";
import { PlanJson } from "./plan-json";

/*
 * The residency policy, judged again on what terraform is about to create: the values in the plan,
 * after provider defaults and references are resolved. The synth-time aspect (constructs/residency-aspect.ts)
 * judges the same attributes in the configuration, and providers and state backends, which a plan does not
 * list. A value known only after apply cannot be judged here; the report says so.
 */

export interface LocationViolation {
  readonly address: string;
  readonly attribute: string;
  readonly value: string;
  readonly reason: string;
}

/** Where an attribute is, for values the report can name but not judge. */
export interface AttributeRef {
  readonly address: string;
  readonly attribute: string;
}

export interface ResidencyFindings {
  readonly policy: string;
  /** Set when the stack names a policy lib/residency does not have: nothing could be judged. */
  readonly unknownPolicy?: string;
  readonly violations: readonly LocationViolation[];
  /** Allowed locations seen, one entry per location (several values can resolve to one). */
  readonly allowed: readonly Location[];
  readonly knownAfterApply: readonly AttributeRef[];
  /** Values Terraform marks sensitive: not printed, and not judged. */
  readonly sensitive: readonly AttributeRef[];
}

const UNKNOWN = "(known after apply)";

export function residencyFindings(plan: PlanJson, policyName: string): ResidencyFindings {
  const policy: ResidencyPolicy | undefined = (RESIDENCY_POLICIES as Record<string, ResidencyPolicy>)[policyName];
  const empty = { policy: policyName, violations: [], allowed: [], knownAfterApply: [], sensitive: [] };
  if (!policy) return { ...empty, unknownPolicy: `no residency policy "${policyName}" (known: ${Object.keys(RESIDENCY_POLICIES).join(", ")})` };

  const violations: LocationViolation[] = [];
  const allowed = new Map<string, Location>();
  const knownAfterApply: AttributeRef[] = [];
  const sensitive: AttributeRef[] = [];
  for (const rc of plan.resource_changes) {
    const { after, after_unknown, after_sensitive } = rc.change;
    const table = tableForTerraformProvider(rc.type.split("_")[0]);
    // Nothing will exist after a delete; providers with no table (random, terraform_data) store nothing anywhere.
    if (!table || after === null || after === undefined) continue;
    // Redacted again here: a plan straight from terraform still holds sensitive values.
    for (const [attribute, value] of locationAttributes(redact(after, after_sensitive as Parameters<typeof redact>[1]), rc.type)) {
      // SDKv2 providers keep "" in state for an unset string, so unchanged resources plan it: no place to judge.
      if (value === "") continue;
      if (value === REDACTED) { sensitive.push({ address: rc.address, attribute }); continue; }
      const verdict = judgeLocation(policy, table, value);
      if (verdict.allowed) allowed.set(`${table.provider}:${verdict.location.id}`, verdict.location);
      else violations.push({ address: rc.address, attribute, value, reason: verdict.reason });
    }
    for (const [attribute] of locationAttributes(markUnknown(after_unknown), rc.type)) knownAfterApply.push({ address: rc.address, attribute });
  }
  return { ...empty, violations, allowed: [...allowed.values()], knownAfterApply, sensitive };
}

/** `after_unknown` with every `true` turned into a string, so locationAttributes finds the unknown ones. */
function markUnknown(mask: unknown): unknown {
  if (mask === true) return UNKNOWN;
  if (Array.isArray(mask)) return mask.map(markUnknown);
  if (mask && typeof mask === "object") return Object.fromEntries(Object.entries(mask).map(([k, v]) => [k, markUnknown(v)]));
  return undefined;
}
