import { Construct } from "constructs";
import { Image } from "@cdktf/provider-docker/lib/image";

/**
 * An image the engine already has or can pull. Kept on destroy: images are shared between
 * environments and, without a registry, cannot be fetched again.
 */
export function dockerImage(scope: Construct, id: string, name: string): Image {
  return new Image(scope, id, { name, keepLocally: true });
}
