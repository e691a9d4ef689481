import { Construct } from "constructs";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { DockerEnvironment } from "../../lib/environment";
import { dockerLabels } from "./names";

/**
 * A named volume holding data. With `protect` (the default for real data) Terraform does not
 * manage the volume itself: Docker creates it on first use, and `destroy` removes the containers but
 * keeps the data, so a new deploy finds it again. Without `protect`, the volume is a resource and
 * `destroy` deletes it.
 */
export function dataVolume(scope: Construct, id: string, env: DockerEnvironment, name: string): string {
  if (env.protect) return name;
  return new Volume(scope, id, { name, labels: dockerLabels(env) }).name;
}
