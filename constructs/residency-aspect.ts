import { IConstruct } from "constructs";
import {
  Annotations, DefaultTokenResolver, IAspect, ImportableResource, StringConcat, TerraformDataSource, TerraformElement, TerraformLocal,
  TerraformModule, TerraformOutput, TerraformResource, TerraformStack, TerraformVariable, Token, Tokenization,
} from "cdktf";
import {
  BACKEND_TABLES, judgeLocation, knownTerraformProviders, LOCATIONLESS_BACKENDS, ProviderLocations, providerRefusal,
  ResidencyPolicy, residencyOfBackend, residencyOfTerraformProvider,
} from "../lib/residency";
import { impliedLocations, isLocationKey, locationAttributes, ResolveValue, valueAt } from "../lib/residency/attributes";
import { isExpression, parseReference, Reference, referenceText, templateParts } from "../lib/residency/expressions";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Metadata key a construct uses to declare a location that is not among its attributes (e.g. a GCS state bucket's). */
export const DECLARED_LOCATION = "residency:location";

const MODULE = "a module's resources are not in the synthesized tree, so where they put data cannot be judged: write them as resources (provider bindings) instead";
/** Why an expression is refused, after what it is. */
const NOT_STATIC = "has a value only at plan time, so the residency policy cannot judge it at synth: use a literal location, or a reference to a local, a variable's default or another resource's location attribute";

export interface Violation {
  readonly path: string;
  readonly attribute: string;
  readonly value: string;
  readonly reason: string;
}

/** A violation as messages show it: `path: attribute = "value" — reason`. */
export const describeViolation = (v: Violation): string => `${v.path}: ${v.attribute} = "${v.value}" — ${v.reason}`;

/** A location value as far as synth can know it: the literal it comes to, or why it cannot be known. */
type Evaluated = { readonly value: string } | { readonly unknown: string };

/**
 * Enforces a residency policy over the synthesized tree: every location-bearing attribute of every
 * resource, data source, provider and backend must be in the policy's allowlist. It fails closed: a
 * value the tables do not know, an expression whose value synth cannot know, a provider or backend
 * with no table, and a module (whose resources the tree does not show) are refused. Violations are
 * error annotations, which fail synth and name the construct path, attribute, value and policy.
 */
export class ResidencyAspect implements IAspect {
  private readonly visited = new WeakSet<IConstruct>();
  /** Per stack, its locals, variables, resources and data sources by the address references use. */
  private readonly addresses = new WeakMap<TerraformStack, Map<string, TerraformElement>>();
  readonly violations: Violation[] = [];

  constructor(readonly policy: ResidencyPolicy) {}

  visit(node: IConstruct): void {
    // Idempotent: createBackendApp runs it over every stack before cdktf's own synth runs it again.
    if (this.visited.has(node)) return;
    this.visited.add(node);
    // What `stack.addOverride("resource.…", …)` adds is in no element: judged at the stack.
    if (node instanceof TerraformStack) {
      this.judgeBlocks(node, stackOverrides(node));
      return;
    }
    if (!(node instanceof TerraformElement) || node instanceof TerraformOutput || node instanceof TerraformVariable || node instanceof TerraformLocal) return;
    if (node instanceof TerraformModule) return this.refuse(node, "(module)", node.source, MODULE);
    if (node instanceof ImportableResource) {
      return this.refuse(node, "(import)", node.node.id, "terraform generates an imported resource's configuration after synth, so where it puts data cannot be judged: import into a resource construct (importFrom) instead");
    }
    // Only tokens on the way to a location are resolved (locationAttributes): resolving the whole element
    // here, and again in synth, was a fifth of the app's run time.
    const json = resolverFor(node)(node.toTerraform()) as Record<string, any>;
    const table = this.judgeBlocks(node, json);
    if (!table) return;
    for (const entry of node.node.metadata.filter((m) => m.type === DECLARED_LOCATION)) this.judge(node, table, "(declared location)", String(entry.data));
  }

  /** Judges the blocks in `json` (an element's configuration, or a stack's overrides); returns the table of the first. */
  private judgeBlocks(node: IConstruct, json: Record<string, any>): ProviderLocations | undefined {
    const resolve = resolverFor(node);
    let elementTable: ProviderLocations | undefined;
    for (const name of Object.keys(json.module ?? {})) this.refuse(node, "(module)", name, MODULE);
    for (const { section, type, attributes } of blocksOf(json)) {
      const table = this.tableFor(node, section, type);
      if (!table) continue;
      elementTable ??= table;
      const refusal = providerRefusal(this.policy, table);
      if (refusal) {
        this.refuse(node, section === "backend" ? "(backend)" : "(type)", type, refusal);
        continue;
      }
      const locations = [...locationAttributes(attributes, type, resolve), ...impliedLocations(attributes, type, resolve)];
      for (const [attribute, value] of locations) this.judge(node, table, attribute, value);
      // Where the state is kept must be stated somewhere: a backend with no location is not "nowhere".
      if (section === "backend" && locations.length === 0 && !node.node.metadata.some((m) => m.type === DECLARED_LOCATION)) {
        this.refuse(node, "(backend)", type, `the ${type} backend names no location: declare where its bucket is with node.addMetadata("${DECLARED_LOCATION}", <location>)`);
      }
    }
    return elementTable;
  }

  /** The table judging a block, or undefined for a provider or backend that stores nothing anywhere; refuses any other. */
  private tableFor(node: IConstruct, section: Section, type: string): ProviderLocations | undefined {
    if (section === "backend") {
      const residency = residencyOfBackend(type);
      if (residency) return "locationless" in residency ? undefined : residency;
      const allowed = [...Object.entries(BACKEND_TABLES).map(([k, t]) => `${k} (${t})`), ...Object.entries(LOCATIONLESS_BACKENDS).map(([k, why]) => `${k} (${why})`)];
      this.refuse(node, "(backend)", type, `the state (which holds every generated secret) may only be kept where a location table can judge it: ${allowed.join(", ")}. To use another backend, add it to BACKEND_TABLES in lib/residency/index.ts with the table of the provider that stores it`);
      return undefined;
    }
    const provider = section === "provider" ? type : type.split("_")[0];
    const residency = residencyOfTerraformProvider(provider);
    if (residency && !("locationless" in residency)) return residency;
    if (!residency) {
      this.refuse(node, "(type)", type, `provider "${provider}" has no residency table, so where it puts data cannot be judged; only providers with a location table are allowed (${knownTerraformProviders()}). To use it, add its table (every location with its country) to lib/residency/ and LOCATION_TABLES, or, if it stores nothing anywhere, list it in LOCATIONLESS_PROVIDERS (lib/residency/locationless.ts)`);
    }
    return undefined;
  }

  /** Judges one location value, following references to where they point. */
  private judge(node: IConstruct, table: ProviderLocations, attribute: string, value: string): void {
    const evaluated = this.evaluate(node, value, 0);
    if ("unknown" in evaluated) return this.refuse(node, attribute, value, evaluated.unknown);
    const verdict = judgeLocation(this.policy, table, evaluated.value);
    if (!verdict.allowed) this.refuse(node, attribute, value, verdict.reason);
  }

  private refuse(node: IConstruct, attribute: string, value: string, reason: string): void {
    const violation = { path: node.node.path, attribute, value, reason };
    this.violations.push(violation);
    Annotations.of(node).addError(`residency policy "${this.policy.name}": ${violation.path} ${attribute} = "${value}": ${reason}`);
  }

  /**
   * What `value`, a string in `scope`'s configuration, comes to at synth. A reference is followed to
   * a local's expression, a variable's default, or another resource's location attribute (which is
   * judged there too); anything else with a `${...}` has a value only at plan time.
   */
  private evaluate(scope: IConstruct, value: string, depth: number): Evaluated {
    if (!isExpression(value)) return { value };
    if (depth > 10) return { unknown: `"${value}" goes through too many references to follow (a cycle?)` };
    const parts = templateParts(value);
    if (!parts) return { unknown: `"${value}" ${NOT_STATIC}` };
    let result = "";
    for (const part of parts) {
      if ("literal" in part) {
        result += part.literal;
        continue;
      }
      const ref = parseReference(part.expression);
      const evaluated = ref ? this.follow(scope, ref, depth) : { unknown: `\`${part.expression}\` ${NOT_STATIC}` };
      if ("unknown" in evaluated) return evaluated;
      result += evaluated.value;
    }
    return { value: result };
  }

  private follow(scope: IConstruct, ref: Reference, depth: number): Evaluated {
    const text = referenceText(ref);
    const target = this.element(TerraformStack.of(scope), ref);
    if (!target) return { unknown: `${text} refers to nothing in this stack` };
    const resolve = resolverFor(target);
    const json = target.toTerraform() as Record<string, any>;
    let root: unknown;
    switch (ref.kind) {
      case "local":
        root = json.locals?.[ref.name];
        break;
      case "var": {
        const variable = resolve(json.variable?.[ref.name]) as Record<string, unknown> | undefined;
        if (variable?.default === undefined) return { unknown: `${text} has no default: its value is given only at plan time` };
        // A default is a literal in Terraform: `${` in it is text, not a reference.
        const found = valueAt(variable.default, ref.path, resolve);
        return typeof found === "string" ? { value: found } : { unknown: `${text} is not a string` };
      }
      default: {
        const attribute = ref.path.filter((s): s is string => typeof s === "string").at(-1);
        if (!attribute || !isLocationKey(attribute, ref.type)) return { unknown: `${text} is not a location attribute of ${ref.type}, so it says nothing the residency policy can judge` };
        root = json[ref.kind === "data" ? "data" : "resource"]?.[ref.type]?.[ref.name];
      }
    }
    const found = valueAt(root, ref.path, resolve);
    if (typeof found !== "string") {
      return { unknown: found == null ? `${text} is not set in the configuration: the provider chooses it at apply` : `${text} is not a string` };
    }
    return this.evaluate(target, found, depth + 1);
  }

  /** The element a reference names, from an index of the stack rebuilt when it misses (constructs may be added later). */
  private element(stack: TerraformStack, ref: Reference): TerraformElement | undefined {
    const key = "type" in ref ? `${ref.kind}.${ref.type}.${ref.name}` : `${ref.kind}.${ref.name}`;
    let index = this.addresses.get(stack);
    if (!index?.has(key)) {
      index = new Map();
      for (const c of stack.node.findAll()) {
        if (c instanceof TerraformLocal) index.set(`local.${c.friendlyUniqueId}`, c);
        else if (c instanceof TerraformVariable) index.set(`var.${c.friendlyUniqueId}`, c);
        else if (c instanceof TerraformResource) index.set(`resource.${c.terraformResourceType}.${c.friendlyUniqueId}`, c);
        else if (c instanceof TerraformDataSource) index.set(`data.${c.terraformResourceType}.${c.friendlyUniqueId}`, c);
      }
      this.addresses.set(stack, index);
    }
    return index.get(key);
  }
}

/**
 * What `stack.addOverride` put into the stack's configuration. cdktf keeps it in a private field;
 * if a cdktf version no longer has it there, synth fails rather than judging less than it should.
 */
function stackOverrides(stack: TerraformStack): Record<string, any> {
  const overrides: unknown = Reflect.get(stack, "rawOverrides");
  if (overrides === null || typeof overrides !== "object") throw new Error("cdktf's TerraformStack no longer keeps its overrides in rawOverrides: constructs/residency-aspect.ts cannot judge them");
  return overrides as Record<string, any>;
}

/** Resolves a token in `scope`'s configuration (a reference to another element becomes `${...}`); other values as they are. */
function resolverFor(scope: IConstruct): ResolveValue {
  return (value) => (Token.isUnresolved(value) ? Tokenization.resolve(value, { scope, resolver: RESOLVER }) : value);
}

type Section = "resource" | "data" | "provider" | "backend";

/** The blocks a construct synthesizes: resources and data sources by type, providers by name, the backend by kind. */
function* blocksOf(json: Record<string, any>): Generator<{ section: Section; type: string; attributes: unknown }> {
  for (const section of ["resource", "data"] as const) {
    for (const [type, byName] of Object.entries(json[section] ?? {})) {
      for (const attributes of Object.values(byName as object)) yield { section, type, attributes };
    }
  }
  for (const [type, configs] of Object.entries(json.provider ?? {})) {
    for (const attributes of configs as unknown[]) yield { section: "provider", type, attributes };
  }
  for (const [type, attributes] of Object.entries(json.terraform?.backend ?? {})) yield { section: "backend", type, attributes };
  // HCP Terraform (CloudBackend) is a `cloud` block, not a backend, but keeps the state all the same.
  if (json.terraform?.cloud) yield { section: "backend", type: "cloud", attributes: json.terraform.cloud };
}
