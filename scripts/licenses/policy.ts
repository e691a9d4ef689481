/**
 * The licence policy of `npm run licenses`: which licences the project accepts in what it installs and
 * runs, and how a component's licence (an SPDX expression, licensecheck's matches in a licence text, or
 * a Debian copyright file's names) becomes a decision. Pure: no files, no processes (unit-tested).
 *
 *   allowed  permissive, weak or strong copyleft that is not network copyleft; BUSL-1.1 for the
 *            Terraform engine only (run here, never shipped or offered as a service)
 *   refused  AGPL (any version) and SSPL: network copyleft, which a hosted backend cannot meet
 *   unknown  anything else, or no licence found: a human reviews it (scripts/licenses/reviewed.yaml)
 */

export type Decision = "allowed" | "refused" | "unknown";
export type Kind = "npm" | "go-binary" | "go-module" | "debian";

export interface Verdict {
  decision: Decision;
  /** Why, when not plainly allowed: names the licence(s) that decided it. */
  reason?: string;
}

/** Network copyleft: refused whatever the version, the `-only`/`-or-later` form or an exception. */
const REFUSED_FAMILY = /^(AGPL|SSPL)(?![A-Za-z])/i;

/**
 * Licences accepted, by family (the id without `-only`, `-or-later` or `+`), with their category.
 * Ids as SPDX spells them and as github.com/google/licensecheck reports them (`GPL-2.0`, `BSD`).
 */
const ALLOWED: Record<string, string> = Object.fromEntries(
  Object.entries({
    permissive: [
      "0BSD", "MIT", "MIT-0", "MIT-CMU", "X11", "ISC", "BSD", "BSD-1-Clause", "BSD-2-Clause", "BSD-2-Clause-Patent",
      "BSD-3-Clause", "BSD-3-Clause-Clear", "BSD-4-Clause", "Apache-1.1", "Apache-2.0", "Zlib", "zlib-acknowledgement",
      "BSL-1.0", "Unlicense", "CC0-1.0", "CC-PDDC", "WTFPL", "Python-2.0", "PSF-2.0", "CNRI-Python", "BlueOak-1.0.0",
      "Unicode-DFS-2015", "Unicode-DFS-2016", "Unicode-3.0", "ICU", "curl", "OpenSSL", "PostgreSQL", "NCSA", "Libpng",
      "libpng-2.0", "IJG", "HPND", "bzip2-1.0.6", "FSFAP", "FSFUL", "FSFULLR", "TCL", "Artistic-1.0", "Artistic-1.0-Perl",
      "Artistic-2.0", "ClArtistic", "Ruby", "Beerware", "W3C", "W3C-20150513", "UPL-1.0", "MS-PL", "Vim", "NTP", "MirOS",
      "Info-ZIP", "blessing", "NIST-PD", "SAX-PD", "CC-BY-3.0", "CC-BY-4.0", "OFL-1.1",
      // SPDX has no id for a plain public-domain statement; a review (reviewed.yaml) records it so
      "LicenseRef-Public-Domain",
      // the Go project's and Google's PATENTS grants: an additional grant, not a licence of its own
      "GooglePatentClause", "GooglePatentsFile",
    ],
    "weak copyleft": ["MPL-1.1", "MPL-2.0", "MPL-2.0-no-copyleft-exception", "LGPL-2.0", "LGPL-2.1", "LGPL-3.0", "EPL-1.0", "EPL-2.0", "CDDL-1.0", "CDDL-1.1", "CPL-1.0"],
    "strong copyleft": ["GPL-1.0", "GPL-2.0", "GPL-3.0", "GPL", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "GFDL-1.2", "GFDL-1.3"],
  }).flatMap(([category, ids]) => ids.map((id) => [id.toLowerCase(), category])),
);

/** The Terraform engine's licence since 1.6: source-available, allowed to use, never to ship. */
export const BUSL = "BUSL-1.1";

/** `GPL-2.0-or-later`, `GPL-2.0+`, `GPL-2.0-only` → `GPL-2.0`; `LGPL-2.1+` → `LGPL-2.1`. */
export function licenceFamily(id: string): string {
  return id.trim().replace(/\+$/, "").replace(/-(only|or-later)$/i, "");
}

export interface DecideContext {
  /** BUSL-1.1 is allowed: the component is the Terraform engine, which is run here and never shipped. */
  allowBusl?: boolean;
}

/** The decision for one licence id. */
export function decideId(id: string, ctx: DecideContext = {}): Verdict {
  const family = licenceFamily(id);
  if (REFUSED_FAMILY.test(family)) return { decision: "refused", reason: `${id} is network copyleft (AGPL/SSPL), refused` };
  if (family.toLowerCase() === BUSL.toLowerCase()) {
    return ctx.allowBusl
      ? { decision: "allowed", reason: "BUSL-1.1: allowed to use the Terraform engine (run here, not shipped or offered as a service)" }
      : { decision: "unknown", reason: `${id} is source-available, allowed for the Terraform engine only` };
  }
  if (ALLOWED[family.toLowerCase()]) return { decision: "allowed" };
  return { decision: "unknown", reason: `${id} is not a licence the policy knows` };
}

/** The category of an allowed licence, for the summary. */
export function licenceCategory(id: string): string | undefined {
  return ALLOWED[licenceFamily(id).toLowerCase()];
}

// ---------------------------------------------------------------------------------------------------
// SPDX expressions (package.json `license`)

export type Expr =
  | { op: "id"; id: string; exception?: string }
  | { op: "and" | "or"; args: Expr[] };

/**
 * Parses an SPDX licence expression (`MIT`, `(MIT OR Apache-2.0)`, `GPL-2.0 WITH Classpath-exception-2.0`,
 * `Apache-2.0 AND MIT`). Returns undefined when it is not one (`Public Domain`, `SEE LICENSE IN x`).
 */
export function parseSpdx(text: string): Expr | undefined {
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (t: string | undefined, op: string) => t !== undefined && t.toUpperCase() === op;
  const isId = (t: string | undefined) => t !== undefined && /^[A-Za-z0-9][A-Za-z0-9.:+-]*$/.test(t) && !["AND", "OR", "WITH"].includes(t.toUpperCase());

  function primary(): Expr | undefined {
    const t = peek();
    if (t === "(") {
      pos++;
      const inner = orExpr();
      if (!inner || peek() !== ")") return undefined;
      pos++;
      return inner;
    }
    if (!isId(t)) return undefined;
    pos++;
    if (isOp(peek(), "WITH")) {
      pos++;
      const exception = peek();
      if (!isId(exception)) return undefined;
      pos++;
      return { op: "id", id: t!, exception };
    }
    return { op: "id", id: t! };
  }
  function chain(op: "and" | "or", next: () => Expr | undefined): Expr | undefined {
    const first = next();
    if (!first) return undefined;
    const args = [first];
    while (isOp(peek(), op.toUpperCase())) {
      pos++;
      const arg = next();
      if (!arg) return undefined;
      args.push(arg);
    }
    return args.length === 1 ? first : { op, args };
  }
  const andExpr = () => chain("and", primary);
  const orExpr = () => chain("or", andExpr);

  const expr = orExpr();
  return expr && pos === tokens.length ? expr : undefined;
}

/** Every licence id an expression names. */
export function exprIds(expr: Expr): string[] {
  return expr.op === "id" ? [expr.id] : expr.args.flatMap(exprIds);
}

/**
 * The decision for an expression: AND needs every part allowed (one refused part refuses it);
 * OR needs one allowed choice (the project takes it), and is refused only when every choice is.
 * `WITH` exceptions only add permissions, so the licence they modify decides.
 */
export function decideExpr(expr: Expr, ctx: DecideContext = {}): Verdict {
  if (expr.op === "id") return decideId(expr.id, ctx);
  const parts = expr.args.map((a) => decideExpr(a, ctx));
  const first = (d: Decision) => parts.find((p) => p.decision === d);
  if (expr.op === "and") return first("refused") ?? first("unknown") ?? { decision: "allowed" };
  return first("allowed") ? { decision: "allowed" } : first("unknown") ?? first("refused")!;
}

// ---------------------------------------------------------------------------------------------------
// Licence texts, as classified by github.com/google/licensecheck (tools/licenses)

/** What tools/licenses reports for one text. */
export interface TextScan {
  /** Share of the text (0-100) the matched licences cover. */
  percent: number;
  matches: { id: string; start: number; end: number; isURL?: boolean }[];
  /** The start of the text that no licence covers, for the reviewer. */
  uncovered?: string;
}

/**
 * A licence file is determined when the licences licensecheck found in it cover at least this much of
 * it: the rest is copyright lines, headings and the like. Below that, part of the file is terms that no
 * known licence has (pkgsite, which uses the same classifier, takes 75% too).
 */
export const COVERAGE_THRESHOLD = 75;

export interface TextLicence {
  /** The licences found, in order of first appearance. */
  ids: string[];
  percent: number;
}

export function textLicence(scan: TextScan): TextLicence {
  return { ids: [...new Set(scan.matches.map((m) => m.id))], percent: scan.percent };
}

/**
 * The decision for the licence files of one component (all of them apply): refused when any names a
 * refused licence, whatever else they hold; unknown when one is not covered enough by known licences
 * or names a licence the policy does not know; allowed otherwise.
 */
export function decideTexts(files: { file: string; scan: TextScan }[], ctx: DecideContext = {}): Verdict {
  if (files.length === 0) return { decision: "unknown", reason: "no licence file found" };
  const verdicts: Verdict[] = [];
  for (const { file, scan } of files) {
    const { ids, percent } = textLicence(scan);
    for (const id of ids) {
      const v = decideId(id, ctx);
      verdicts.push(v.decision === "allowed" ? v : { decision: v.decision, reason: `${file}: ${v.reason}` });
    }
    if (percent < COVERAGE_THRESHOLD) {
      const found = ids.length ? `only ${percent.toFixed(0)}% of it is ${ids.join(", ")}` : "no known licence in it";
      const rest = scan.uncovered ? `; not recognised: "${scan.uncovered}"` : "";
      verdicts.push({ decision: "unknown", reason: `${file}: ${found}${rest}` });
    }
  }
  return verdicts.find((v) => v.decision === "refused") ?? verdicts.find((v) => v.decision === "unknown") ?? { decision: "allowed" };
}

// ---------------------------------------------------------------------------------------------------
// Debian packages: /usr/share/doc/<package>/copyright

export interface DebianCopyright {
  /** Machine-readable (DEP-5) file, whose `License:` fields name the licences. */
  machineReadable: boolean;
  /** The licence names the file gives (DEP-5 short names), or that licensecheck found in a free-text file. */
  names: string[];
}

/** The short names of a DEP-5 file's `License:` fields (`GPL-2+ or Artistic`, `LGPL-2.1+ with exception`). */
export function parseDep5(text: string): DebianCopyright {
  const machineReadable = /^Format:\s*\S*(copyright-format|dep5)/im.test(text);
  if (!machineReadable) return { machineReadable, names: [] };
  const names = new Set<string>();
  for (const m of text.matchAll(/^License:[ \t]*(.*)$/gim)) {
    for (const part of m[1].split(/\s*,\s*(?:and\s+|or\s+)?|\s+(?:and\/or|or|and)\s+/i)) {
      const name = part.replace(/\s+with\s+.*$/i, "").trim();
      if (name) names.add(name);
    }
  }
  return { machineReadable, names: [...names] };
}

/**
 * Debian main is free software (DFSG), so a Debian package is refused only for AGPL or SSPL among what
 * its copyright file says (its `License:` names, or what licensecheck finds in it), and unknown only
 * when nothing in the file names a licence.
 */
export function decideDebian(names: string[], scanned: string[]): Verdict {
  const refused = [...names, ...scanned].find((n) => REFUSED_FAMILY.test(licenceFamily(n)));
  if (refused) return { decision: "refused", reason: `${refused} is network copyleft (AGPL/SSPL), refused` };
  if (names.length === 0 && scanned.length === 0) return { decision: "unknown", reason: "its copyright file names no licence" };
  return { decision: "allowed" };
}

/** Debian short names as SPDX spells them, for the summary (`GPL-2+` → `GPL-2.0-or-later`, `Expat` → `MIT`). */
export function debianToSpdx(name: string): string {
  const aliases: Record<string, string> = { expat: "MIT", "public-domain": "public-domain", zlib: "Zlib", "bsd-2-clause": "BSD-2-Clause", "bsd-3-clause": "BSD-3-Clause", "bsd-4-clause": "BSD-4-Clause" };
  const alias = aliases[name.toLowerCase()];
  if (alias) return alias;
  const m = /^(L?GPL|GFDL|AGPL|MPL|Apache|Artistic)-(\d+(?:\.\d+)?)(\+)?$/i.exec(name);
  if (!m) return name;
  const [, family, ver, plus] = m;
  const version = ver.includes(".") ? ver : `${ver}.0`;
  const gnu = /^(L?GPL|GFDL|AGPL)$/i.test(family);
  return `${family.toUpperCase() === "APACHE" ? "Apache" : family.toUpperCase() === "ARTISTIC" ? "Artistic" : family.toUpperCase()}-${version}${gnu ? (plus ? "-or-later" : "-only") : plus ? "+" : ""}`;
}

// ---------------------------------------------------------------------------------------------------
// Human review (scripts/licenses/reviewed.yaml)

export interface Reviewed {
  kind: Kind;
  name: string;
  version: string;
  /** The licence a human found. */
  licence: string;
  /** Why: where the licence was found and why the tool could not tell. */
  why: string;
}

/**
 * Applies a human review to an unknown verdict: the reviewed licence is then decided like any other
 * (so a reviewed AGPL is still refused). Refused and allowed verdicts are never changed by a review.
 */
export function applyReview(verdict: Verdict, review: Reviewed | undefined, ctx: DecideContext = {}): Verdict & { reviewed?: boolean } {
  if (verdict.decision !== "unknown" || !review) return verdict;
  const expr = parseSpdx(review.licence);
  const decided = expr ? decideExpr(expr, ctx) : { decision: "unknown" as const, reason: `reviewed licence ${review.licence} is not an SPDX expression` };
  return { ...decided, reason: decided.reason ?? `reviewed: ${review.why}`, reviewed: true };
}

export function reviewKey(kind: Kind, name: string, version: string): string {
  return `${kind} ${name}@${version}`;
}
