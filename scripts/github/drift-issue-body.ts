import { AttributeChange, DriftReport, StackDrift } from "../lib/stack-results";
import { BODY_LIMIT, code, cutAtLine, shorten } from "./markdown";

/** The hidden line that ties an issue to its stack, so later runs update it instead of opening another. */
export const driftMarker = (stack: string) => `<!-- portable-backend:drift:${stack} -->`;
export const DRIFT_MARKER = /<!-- portable-backend:drift:(\S+) -->/;

export const driftIssueTitle = (stack: string) => `Drift detected: ${stack}`;

/** Attribute values are shown only this long: the point is which attribute moved, not a dump of it. */
const VALUE_LENGTH = 80;
/** Attributes listed per resource; a resource that changed wholesale says how many more. */
const CHANGES_PER_RESOURCE = 20;

export interface DriftBodyOptions {
  readonly runUrl?: string;
}

export function driftIssueBody(drift: StackDrift, report: DriftReport, options: DriftBodyOptions = {}): string {
  const stack = code(drift.stack);
  const checked = `checked ${report.generatedAt}${options.runUrl ? ` in [this run](${options.runUrl})` : ""}`;
  const head = [
    driftMarker(drift.stack),
    `The drift check found that the real infrastructure of ${stack} (${drift.provider}) no longer matches its Terraform state: ` +
      `${drift.resources.length} resource${drift.resources.length === 1 ? "" : "s"} drifted (${checked}).`,
    "",
    "",
  ].join("\n");
  const tail = [
    "",
    `**To resolve**: \`npx cdktf deploy ${drift.stack}\` puts back what the code says (read its plan first), or change the code to match what is there now. ` +
      `Every drift check updates this issue, and the first one that finds ${stack} clean closes it.`,
  ].join("\n");
  const list = drift.resources.map((r) => r.action === "delete"
    ? `- ${code(r.address)}: **deleted** outside Terraform`
    : [`- ${code(r.address)}: changed outside Terraform`, ...changeLines(r.changes)].join("\n")).join("\n") + "\n";

  const room = BODY_LIMIT - 500 - head.length - tail.length;
  const shown = cutAtLine(list, room);
  const cut = shown.length < list.length ? `- … the list goes on: it is too long for an issue; the drift report of the run has all of it\n` : "";
  return head + shown + cut + tail;
}

function changeLines(changes: readonly AttributeChange[]): string[] {
  const lines = changes.slice(0, CHANGES_PER_RESOURCE).map((c) => `  - ${code(c.path)}: ${valueText(c.before)} → ${valueText(c.after)}`);
  if (changes.length > CHANGES_PER_RESOURCE) lines.push(`  - … and ${changes.length - CHANGES_PER_RESOURCE} more attributes`);
  return lines;
}

function valueText(value: unknown): string {
  if (value === undefined) return "(none)";
  return code(shorten(JSON.stringify(value) ?? String(value), VALUE_LENGTH));
}

export function cleanAgainComment(stack: string, report: DriftReport, options: DriftBodyOptions = {}): string {
  return `${code(stack)} is clean again: the drift check of ${report.generatedAt}${options.runUrl ? ` ([run](${options.runUrl}))` : ""} found no drift. Closing.`;
}
