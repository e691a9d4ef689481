import { cutAtLine } from "../github/markdown";

/*
 * Terraform's human plan (`terraform show -no-color`) made fit for a ```diff block: colour codes
 * stripped (a plan made without -no-color still reads), and each change marker moved to the start of
 * its line, where GitHub's diff highlighting looks for it.
 */

// CSI sequences (colours, cursor moves) and OSC sequences (titles, hyperlinks).
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** Terraform's markers and what diff highlighting shows for them: `!` is the "changed" colour. */
const MARKERS: Record<string, string> = { "+": "+", "-": "-", "~": "!", "-/+": "!", "+/-": "!", "<=": "!" };
const MARKED_LINE = /^(\s*)(-\/\+|\+\/-|<=|[-+~])(\s)/;

/** `      + name = "x"` becomes `+     name = "x"`: same width, the marker in column one. */
export function asDiff(planText: string): string {
  return stripAnsi(planText).split("\n").map((line) => {
    const m = MARKED_LINE.exec(line);
    if (!m) return line;
    const [whole, indent, marker, space] = m;
    return MARKERS[marker] + indent + " ".repeat(marker.length - 1) + space + line.slice(whole.length);
  }).join("\n");
}

export interface ClippedText {
  readonly text: string;
  readonly truncated: boolean;
  readonly shownLines: number;
  readonly totalLines: number;
}

/** The first whole lines of `text` that fit in `max` characters. */
export function clip(text: string, max: number): ClippedText {
  const totalLines = lineCount(text);
  if (text.length <= max) return { text, truncated: false, shownLines: totalLines, totalLines };
  const shown = cutAtLine(text, max);
  return { text: shown, truncated: true, shownLines: lineCount(shown), totalLines };
}

const lineCount = (text: string) => (text === "" ? 0 : text.replace(/\n$/, "").split("\n").length);

/**
 * How many characters each text may keep so that together they fit in `available`: the longest are
 * cut first, down to a common cap, and shorter texts stay whole ("water filling"). Infinity: keep all.
 */
export function capsFor(lengths: readonly number[], available: number): number[] {
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total <= available) return lengths.map(() => Infinity);
  const ascending = [...lengths].sort((a, b) => a - b);
  let remaining = Math.max(0, available);
  let cap = 0;
  for (const [i, length] of ascending.entries()) {
    const share = Math.floor(remaining / (ascending.length - i));
    if (length > share) { cap = share; break; }
    remaining -= length;
  }
  return lengths.map((length) => (length > cap ? cap : Infinity));
}
