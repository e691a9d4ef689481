import { TerraformOutput, TerraformStack, Testing } from "cdktf";

/** What the parts' tests place their part in: a stack of its own, no environment, no provider. */
export const bareStack = () => new TerraformStack(Testing.app(), "t");

/** A synthesized stack's (`Testing.synth`) resources of `type`, as [construct id, configuration] pairs. */
export const resourcesOf = (json: string, type: string): [string, any][] => Object.entries<any>(JSON.parse(json).resource?.[type] ?? {});

/** The one resource of `type` in a synthesized stack (the test fails if there is not exactly one). */
export function onlyResource(json: string, type: string): [string, any] {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return all[0];
}

/** Terraform's reference to `attribute` of the one resource of `type` in a synthesized stack. */
export function referenceTo(json: string, type: string, attribute: string): string {
  return `\${${type}.${onlyResource(json, type)[0]}.${attribute}}`;
}

/**
 * Synthesizes `stack` with `values` (a part's attributes, which are tokens) as outputs, as anyone wiring
 * the part reads them: the stack's JSON and each value as written in it.
 */
export function synthesize<K extends string>(stack: TerraformStack, values: Record<K, unknown>): { json: string; values: Record<K, any> } {
  for (const [key, value] of Object.entries(values)) new TerraformOutput(stack, `value-${key}`, { value }).overrideLogicalId(`value_${key}`);
  const json = Testing.synth(stack);
  const outputs = JSON.parse(json).output;
  return { json, values: Object.fromEntries(Object.keys(values).map((key) => [key, outputs[`value_${key}`].value])) as Record<K, any> };
}
