import { IConstruct } from "constructs";
import { Annotations, DefaultTokenResolver, IAspect, StringConcat, TerraformElement, TerraformLocal, TerraformOutput, TerraformVariable, Token, Tokenization } from "cdktf";
import { judgeLocation, ProviderLocations, ResidencyPolicy, tableForTerraformProvider, LOCATION_TABLES } from "../lib/residency";
import { locationAttributes } from "../lib/residency/attributes";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** A state backend's storage is judged by the table of the provider that hosts it. */
const BACKEND_TABLES: Record<string, ProviderLocations> = { s3: LOCATION_TABLES.hetzner, gcs: LOCATION_TABLES.gcp };

/** Metadata key a construct uses to declare a location that is not among its attributes (e.g. a GCS state bucket's). */
export const DECLARED_LOCATION = "residency:location";

export interface Violation {
  readonly path: string;
  readonly attribute: string;
  readonly value: string;
  readonly reason: string;
}

/**
 * Enforces a residency policy over the synthesized tree: every location-bearing attribute of every
 * resource, data source, provider and backend must be in the policy's allowlist. A value the tables
 * do not know is refused too (fail closed). Violations are error annotations, which fail synth and
 * name the construct path, attribute, value and policy.
 */
export class ResidencyAspect implements IAspect {
  private readonly visited = new WeakSet<IConstruct>();
  readonly violations: Violation[] = [];

  constructor(readonly policy: ResidencyPolicy) {}

  visit(node: IConstruct): void {
    // Idempotent: createBackendApp runs it over every stack before cdktf's own synth runs it again.
    if (this.visited.has(node)) return;
    this.visited.add(node);
    if (!(node instanceof TerraformElement) || node instanceof TerraformOutput || node instanceof TerraformVariable || node instanceof TerraformLocal) return;

    // Only tokens on the way to a location are resolved (locationAttributes): resolving the whole element
    // here, and again in synth, was a fifth of the app's run time.
    const resolve = (value: unknown) => (Token.isUnresolved(value) ? Tokenization.resolve(value, { scope: node, resolver: RESOLVER }) : value);
    const json = resolve(node.toTerraform()) as Record<string, any>;
    let elementTable: ProviderLocations | undefined;
    for (const [type, attributes] of blocksOf(json)) {
      const table = type.startsWith("backend:") ? BACKEND_TABLES[type.slice("backend:".length)] : tableForTerraformProvider(type.split("_")[0]);
      if (!table) continue;
      elementTable ??= table;
      // References (`${...}`) are judged where they point.
      for (const [attribute, value] of locationAttributes(attributes, type, resolve)) if (!value.includes("${")) this.judge(node, table, attribute, value);
    }
    if (!elementTable) return;
    for (const entry of node.node.metadata.filter((m) => m.type === DECLARED_LOCATION)) this.judge(node, elementTable, "(declared location)", String(entry.data));
  }

  private judge(node: IConstruct, table: ProviderLocations, attribute: string, value: string): void {
    const verdict = judgeLocation(this.policy, table, value);
    if (verdict.allowed) return;
    const violation = { path: node.node.path, attribute, value, reason: verdict.reason };
    this.violations.push(violation);
    Annotations.of(node).addError(`residency policy "${this.policy.name}": ${violation.path} ${attribute} = "${value}": ${verdict.reason}`);
  }
}

/** The blocks a construct synthesizes, keyed by resource/provider type, or `backend:<kind>`. */
function* blocksOf(json: Record<string, any>): Generator<[string, unknown]> {
  for (const section of ["resource", "data"]) {
    for (const [type, byName] of Object.entries(json[section] ?? {})) {
      for (const attributes of Object.values(byName as object)) yield [type, attributes];
    }
  }
  for (const [type, configs] of Object.entries(json.provider ?? {})) {
    for (const attributes of configs as unknown[]) yield [type, attributes];
  }
  for (const [kind, attributes] of Object.entries(json.terraform?.backend ?? {})) yield [`backend:${kind}`, attributes];
}
