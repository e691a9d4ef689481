import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { runtimeAccount } from "../../constructs/gcp/names";
import { GcpNetwork, GcpNetworkProps } from "../../constructs/gcp/network";
import { onlyResource } from "./synthesized";

/** What the parts' tests place their part in: a stack of its own, no environment, no provider. */
export const bareStack = () => new TerraformStack(Testing.app(), "t");

export const NETWORK: GcpNetworkProps = { name: "shop", project: "acme-test-4711", location: "europe-west3" };

/** The identity the service runs as, in NETWORK's project (GcpNetwork's runtimeAccount). */
export const RUNTIME_ACCOUNT = runtimeAccount(NETWORK);

/** The network the parts that need one are wired to. */
export const testNetwork = (stack: TerraformStack) => new GcpNetwork(stack, "network", NETWORK);

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
