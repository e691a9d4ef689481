import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { dockerLabels, EnvironmentLabel } from "./names";

export interface DataVolumeProps extends EnvironmentLabel {
  /** The volume's name on the engine. */
  readonly name: string;
  /**
   * Keep the data when the stack is destroyed (below).
   * @default true
   */
  readonly protect?: boolean;
}

/**
 * A named volume holding data. With `protect` (the default for real data) Terraform does not
 * manage the volume itself: Docker creates it on first use, and `destroy` removes the containers but
 * keeps the data, so a new deploy finds it again. Without `protect`, the volume is a resource and
 * `destroy` deletes it.
 */
export function dataVolume(scope: Construct, id: string, props: DataVolumeProps): string {
  const { name, environment, protect = true } = props;
  if (!protect) return new Volume(scope, id, { name, labels: dockerLabels(environment) }).name;
  forgetIfManaged(scope, id);
  return name;
}

const forgotten = new WeakMap<TerraformStack, { from: string; lifecycle: { destroy: false } }[]>();

/**
 * Turning `protect` on takes the volume out of the configuration; were it in the state (a deploy with
 * `protect` off), Terraform would plan to delete it, and would, whenever no container holds it at that
 * moment (one being replaced in the same apply). A `removed` block makes Terraform forget it instead;
 * when the state has no such resource it does nothing.
 */
function forgetIfManaged(scope: Construct, id: string): void {
  const stack = TerraformStack.of(scope);
  // The address the volume has as a resource: its logical id comes from its construct path.
  const path = new Construct(scope, id);
  const blocks = [...(forgotten.get(stack) ?? []), { from: `${Volume.tfResourceType}.${stack.getLogicalId(path.node)}`, lifecycle: { destroy: false as const } }];
  forgotten.set(stack, blocks);
  stack.addOverride("removed", blocks);
}
