/*
 * GitHub-flavoured Markdown pieces for text we do not control (plan output, attribute values, error
 * messages): whatever the text holds, it must not end a code block, split a table row or break the page.
 */

/** GitHub refuses an issue or comment body longer than this many characters. */
export const BODY_LIMIT = 65536;

/** A fenced code block that `text` cannot close early: the fence is longer than any backtick run inside. */
export function fenced(text: string, info = ""): string {
  const fence = "`".repeat(Math.max(3, longestBacktickRun(text) + 1));
  return `${fence}${info}\n${text.replace(/\n$/, "")}\n${fence}`;
}

/** An inline code span that shows `text` verbatim, backticks included. */
export function code(text: string): string {
  const ticks = "`".repeat(longestBacktickRun(text) + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** Text fit for one table cell: on one line, pipes escaped. */
export function tableCell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

/** At most `max` characters of `text`, with an ellipsis where it was cut. */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** The longest prefix of `text` that ends at a line boundary and has at most `max` characters. */
export function cutAtLine(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = text.lastIndexOf("\n", max - 1);
  return end < 0 ? "" : text.slice(0, end + 1);
}

function longestBacktickRun(text: string): number {
  // A loop, not Math.max(...runs): a long plan can hold more runs than a call takes arguments.
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}
