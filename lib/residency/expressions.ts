/**
 * Reading Terraform expressions in a synthesized location attribute, as far as the residency check
 * can know their value at synth: a template of literal text and `${...}` interpolations, each a plain
 * reference (to a local, a variable or another resource's attribute). Anything else — a function
 * call, a conditional, `each.value` — has a value only at plan time, and the check refuses it.
 */

/** One step into a value: an attribute or map key, or a list index. */
export type PathStep = string | number;

export type Reference =
  | { readonly kind: "local" | "var"; readonly name: string; readonly path: readonly PathStep[] }
  | { readonly kind: "resource" | "data"; readonly type: string; readonly name: string; readonly path: readonly PathStep[] };

export type TemplatePart = { readonly literal: string } | { readonly expression: string };

/** Whether `value` holds a Terraform interpolation or template directive, i.e. is not plain text. */
export function isExpression(value: string): boolean {
  return value.includes("${") || value.includes("%{");
}

/**
 * Splits a Terraform string template into literal text and `${...}` interpolations, or undefined
 * when it has a part this reading does not follow: a directive (`%{...}`), or braces inside an
 * interpolation (an object, a nested template). `$${` is Terraform's escape for a literal `${`.
 */
export function templateParts(value: string): TemplatePart[] | undefined {
  const parts: TemplatePart[] = [];
  let literal = "";
  let i = 0;
  while (i < value.length) {
    if (value.startsWith("$${", i) || value.startsWith("%%{", i)) {
      literal += value.slice(i + 1, i + 3);
      i += 3;
    } else if (value.startsWith("%{", i)) {
      return undefined;
    } else if (value.startsWith("${", i)) {
      const end = value.indexOf("}", i + 2);
      const expression = end < 0 ? undefined : value.slice(i + 2, end).trim();
      if (expression === undefined || expression.includes("{")) return undefined;
      if (literal) parts.push({ literal });
      literal = "";
      parts.push({ expression });
      i = end + 1;
    } else {
      literal += value[i++];
    }
  }
  if (literal) parts.push({ literal });
  return parts;
}

const NAME = "[A-Za-z_][A-Za-z0-9_-]*";
const STEP = new RegExp(`^(?:\\.(${NAME})|\\[(\\d+)\\]|\\["([^"\\\\]*)"\\])`);
const HEAD = new RegExp(`^(?:(local|var)\\.(${NAME})|(data)\\.(${NAME})\\.(${NAME})|(${NAME})\\.(${NAME}))`);
/** Names Terraform reserves: `each.value`, `count.index`, `path.module`, ... are not resources. */
const NOT_A_RESOURCE = new Set(["each", "count", "path", "terraform", "self", "module"]);

/**
 * The reference `expression` is (`local.x`, `var.x`, `google_storage_bucket.a.location`,
 * `data.t.n.attr`, each optionally followed by `.key`, `[0]` or `["key"]`), or undefined for any
 * other expression.
 */
export function parseReference(expression: string): Reference | undefined {
  const head = HEAD.exec(expression);
  if (!head) return undefined;
  const path: PathStep[] = [];
  let rest = expression.slice(head[0].length);
  while (rest) {
    const step = STEP.exec(rest);
    if (!step) return undefined;
    path.push(step[2] !== undefined ? Number(step[2]) : (step[1] ?? step[3]));
    rest = rest.slice(step[0].length);
  }
  if (head[1]) return { kind: head[1] as "local" | "var", name: head[2], path };
  const [type, name] = head[3] ? [head[4], head[5]] : [head[6], head[7]];
  // A resource reference names an attribute: `google_storage_bucket.a` alone is the whole object.
  if (NOT_A_RESOURCE.has(type) || path.length === 0) return undefined;
  return { kind: head[3] ? "data" : "resource", type, name, path };
}

/** How a reference is written, for messages. */
export function referenceText(ref: Reference): string {
  const head = "type" in ref ? `${ref.kind === "data" ? "data." : ""}${ref.type}.${ref.name}` : `${ref.kind}.${ref.name}`;
  return head + ref.path.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("");
}
