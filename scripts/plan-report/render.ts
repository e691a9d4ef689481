import { assumptionsInline, changeText, CostChange, eur } from "../../lib/cost";
import { StackPlanResult } from "../lib/stack-results";
import { code, fenced, shorten, tableCell } from "../github/markdown";
import { ClippedText } from "./plan-text";
import { ResidencyFindings } from "./residency";
import { CHANGE_KINDS, ChangeKind, PlanSummary } from "./summary";

/** Hidden first line of the comment: how the sticky comment finds it again on the next push. */
export const PLAN_MARKER = "<!-- portable-backend:plan -->";

/** One stack as the report sees it. `summary`, `residency` and `planText` exist when the stack was planned. */
export interface StackView {
  readonly result: StackPlanResult;
  readonly summary?: PlanSummary;
  readonly residency?: ResidencyFindings;
  /** The diff-ready plan text, as much of it as fits. */
  readonly planText?: ClippedText;
  /** What the plan changes about the monthly cost, when the plan estimated it. */
  readonly cost?: CostChange;
}

export interface RenderOptions {
  /** Link to the workflow run whose artifacts hold the full plans. */
  readonly runUrl?: string;
  /**
   * The form for many stacks, when the full one does not fit in a comment even without plan texts: one table
   * row per stack that changes (or failed, or was not checked), one line naming all that do not, alerts and
   * failures in full, cost lines only for stacks whose cost changes; no section per stack.
   */
  readonly brief?: boolean;
}

/** Lists in the alerts stop here: a plan that destroys a thousand resources says so in its counts. */
const MAX_LISTED = 50;
/** Residency notes name a few examples, not every unknown attribute. */
const EXAMPLES = 3;

export function renderReport(views: readonly StackView[], options: RenderOptions): string {
  if (options.brief) return briefReport(views, options);
  const parts = [
    PLAN_MARKER,
    `## Terraform plan`,
    overview(views),
    destructiveAlert(views),
    residencyAlert(views),
    headlineTable(views),
    costSection(views),
    ...views.filter(isDetailed).map((v) => stackSection(v, options)),
    compactLines(views.filter((v) => !isDetailed(v))),
  ];
  return parts.filter((p) => p !== "").join("\n\n") + "\n";
}

/** RenderOptions.brief: what a reader needs from a change to many stacks, in a comment that fits. */
function briefReport(views: readonly StackView[], options: RenderOptions): string {
  const unchanged = views.filter(noChanges);
  const listed = views.filter((v) => !noChanges(v));
  const where = options.runUrl ? `the [workflow run](${options.runUrl})'s artifacts` : "the workflow run's artifacts";
  const parts = [
    PLAN_MARKER,
    `## Terraform plan`,
    `${overview(views)} In brief: the full comment would pass GitHub's 65,536 characters; each stack's plan is in ${where} (${code("<stack>/plan.txt")}).`,
    destructiveAlert(views),
    residencyAlert(views),
    listed.length ? headlineTable(listed) : "",
    costSection(views.filter((v) => v.cost !== undefined && v.cost.deltaEur !== 0)),
    ...listed.filter((v) => v.result.status === "failed").map((v) => `### ${name(v)}: ❌ plan failed\n\n${fenced(shorten(v.result.reason ?? "(no reason given)", 600), "text")}`),
    unchanged.length ? `No changes (${unchanged.length}): ${unchanged.map(name).join(", ")}` : "",
  ];
  return parts.filter((p) => p !== "").join("\n\n") + "\n";
}

const name = (v: StackView) => code(v.result.stack);
const noChanges = (v: StackView) => v.summary !== undefined && v.summary.changes.length === 0 && !v.summary.outputsChange;
/** Stacks that get a section of their own: those with changes, and failures (their error is worth reading). */
const isDetailed = (v: StackView) => v.result.status === "failed" || (v.summary !== undefined && !noChanges(v));

function overview(views: readonly StackView[]): string {
  const count = (n: number, what: string) => (n ? [`${n} ${what}`] : []);
  const by = (status: string) => views.filter((v) => v.result.status === status).length;
  const parts = [
    ...count(views.filter((v) => v.summary && !noChanges(v)).length, "with changes"),
    ...count(views.filter(noChanges).length, "without changes"),
    ...count(by("failed"), "failed"),
    ...count(by("not-checked"), "not checked"),
  ];
  return `${views.length} stack${views.length === 1 ? "" : "s"}: ${parts.join(", ") || "none"}.`;
}

function destructiveAlert(views: readonly StackView[]): string {
  const items = views.flatMap((v) => (v.summary?.changes ?? [])
    .filter((c) => c.kind === "replace" || c.kind === "destroy")
    .map((c) => {
      const why = c.forcedBy.length ? `forced by ${c.forcedBy.map(code).join(", ")}` : c.reason;
      return `${name(v)}: ${code(c.address)} **${c.kind === "replace" ? "replaced" : "destroyed"}**${why ? ` (${why})` : ""}`;
    }));
  if (items.length === 0) return "";
  return alert(`**${plural(items.length, "resource")} will be replaced or destroyed:**`, items, "see the counts below");
}

function residencyAlert(views: readonly StackView[]): string {
  const items = views.flatMap((v) => {
    const r = v.residency;
    if (!r) return [];
    if (r.unknownPolicy) return [`${name(v)}: ${r.unknownPolicy}; nothing was judged`];
    return r.violations.map((x) => `${name(v)}: ${code(x.address)} ${code(x.attribute)} = ${code(x.value)}: ${x.reason}`);
  });
  if (items.length === 0) return "";
  return alert(`**Residency policy violated (${plural(items.length, "finding")}):**`, items, "see each stack's plan");
}

/** A GitHub alert block: highlighted in red at the top of the comment. */
function alert(title: string, items: readonly string[], moreHint: string): string {
  const shown = items.slice(0, MAX_LISTED).map((i) => `> - ${i}`);
  const more = items.length > MAX_LISTED ? [`> - … and ${items.length - MAX_LISTED} more (${moreHint})`] : [];
  return ["> [!CAUTION]", `> ${title}`, ...shown, ...more].join("\n");
}

function headlineTable(views: readonly StackView[]): string {
  const header = ["| stack | status | add | change | replace | destroy |", "|---|---|--:|--:|--:|--:|"];
  const rows = views.map((v) => {
    const counts = v.summary ? CHANGE_KINDS.map((k) => countCell(k, v.summary!.counts[k])) : CHANGE_KINDS.map(() => "");
    return `| ${name(v)} | ${tableCell(statusText(v))} | ${counts.join(" | ")} |`;
  });
  return [...header, ...rows].join("\n");
}

/** Counts that lose something are bold so they catch the eye in the table. */
const countCell = (kind: ChangeKind, n: number) => (n > 0 && (kind === "replace" || kind === "destroy") ? `**${n}**` : String(n));

/**
 * Each stack's monthly cost after the change and what the change does to it, from the plan's before and
 * after values ("+€7.49/month: `hcloud_load_balancer.app` lb11"). Stacks without an estimate are left out.
 */
function costSection(views: readonly StackView[]): string {
  const costed = views.filter((v): v is StackView & { cost: CostChange } => v.cost !== undefined);
  if (costed.length === 0) return "";
  const lines = costed.map((v) => {
    const c = v.cost;
    const unpriced = c.notPriced.length
      ? ` · not priced: ${c.notPriced.slice(0, EXAMPLES).map((n) => code(n.address)).join(", ")}${c.notPriced.length > EXAMPLES ? `, … (${c.notPriced.length})` : ""}`
      : "";
    return `- ${name(v)}: **${eur(c.monthlyEurAfter)}/month** after this change (${changeText(c, code)})${unpriced}`;
  });
  const sources = [...new Set(costed.flatMap((v) => v.cost.priceSources))];
  const dates = [...new Set(costed.map((v) => v.cost.pricesAsOf))].sort();
  const assumptions = [...new Set(costed.map((v) => assumptionsInline(v.cost.assumptions)))];
  const footer = [
    `Prices as of ${dates.join(", ")}: ${sources.length ? sources.join("; ") : "none used"}.`,
    assumptions.length === 1 ? `Usage assumed: ${assumptions[0]}.` : "Usage assumptions differ per stack: `npm run cost -- <stack>` lists them.",
    "`npm run cost` prints every line; an environment file's `cost` block changes the assumptions.",
  ];
  return [`**Monthly cost** (estimate, EUR net of VAT):`, lines.join("\n"), `<sub>${footer.join(" ")}</sub>`].join("\n\n");
}

function statusText(v: StackView): string {
  switch (v.result.status) {
    case "planned": return noChanges(v) ? "no changes" : "planned";
    case "failed": return "❌ failed";
    case "not-checked": return `⚠️ not checked${v.result.reason ? `: ${shorten(v.result.reason, 120)}` : ""}`;
  }
}

function stackSection(v: StackView, options: RenderOptions): string {
  if (v.result.status === "failed") {
    return [`### ${name(v)}: ❌ plan failed`, details("Terraform's error", fenced(v.result.reason ?? "(no reason given)", "text"))].join("\n\n");
  }
  const counts = CHANGE_KINDS.map((k) => `${v.summary!.counts[k]} to ${k}`).join(", ");
  return [`### ${name(v)}: ${counts}`, residencyLine(v), planDetails(v, options)].filter((p) => p !== "").join("\n\n");
}

function planDetails(v: StackView, options: RenderOptions): string {
  const plan = v.planText;
  if (!plan) return "";
  const where = `The full plan is ${options.runUrl ? `in the [workflow run](${options.runUrl})'s artifacts` : "in the workflow run's artifacts"} (${code(`${v.result.stack}/plan.txt`)}).`;
  const body = plan.text === ""
    ? `✂️ The plan text (${plural(plan.totalLines, "line")}) does not fit in a comment. ${where}`
    : fenced(plan.text, "diff") + (plan.truncated
      ? `\n\n✂️ Truncated: the first ${plan.shownLines} of ${plan.totalLines} lines are shown (a comment holds at most 65,536 characters). ${where}`
      : "");
  return details(`Plan of ${name(v)} (${plural(plan.totalLines, "line")})`, body);
}

function details(summary: string, body: string): string {
  // Blank lines around the body: GitHub renders Markdown inside <details> only after one.
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

function residencyLine(v: StackView): string {
  const r = v.residency;
  if (!r) return "";
  const policy = code(r.policy);
  if (r.unknownPolicy) return `❌ **Residency**: ${r.unknownPolicy}; nothing was judged.`;
  if (r.violations.length) return `❌ **Residency policy ${policy} violated**: ${plural(r.violations.length, "finding")}, listed at the top.`;
  const seen = r.allowed.length ? r.allowed.map((l) => `${l.id} (${countries(l.countries)})`).join(", ") : "no location attributes in this plan";
  const notes = [
    ...(r.knownAfterApply.length ? [`${plural(r.knownAfterApply.length, "location value")} known only after apply, not judged (${examples(r.knownAfterApply)})`] : []),
    ...(r.sensitive.length ? [`${plural(r.sensitive.length, "sensitive location value")} not judged (${examples(r.sensitive)})`] : []),
  ];
  return `✅ **Residency** ${policy}: ${seen}${notes.map((n) => `; ${n}`).join("")}`;
}

function compactLines(views: readonly StackView[]): string {
  return views.map((v) => {
    if (v.result.status === "not-checked") return `- ${name(v)}: ⚠️ not checked${v.result.reason ? `: ${tableCell(v.result.reason)}` : ""}`;
    const residency = residencyLine(v);
    return `- ${name(v)}: no changes${residency ? ` · ${residency}` : ""}`;
  }).join("\n");
}

/** A multi-region names many countries; past three the count says enough. */
const countries = (list: readonly string[]) => (list.length <= 3 ? list.join("/") : `${list.length} countries`);

function examples(refs: readonly { address: string; attribute: string }[]): string {
  const shown = refs.slice(0, EXAMPLES).map((r) => code(`${r.address}.${r.attribute}`)).join(", ");
  return refs.length > EXAMPLES ? `${shown}, …` : shown;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
