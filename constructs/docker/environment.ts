import { DockerEnvironment, HetznerEnvironment } from "../../lib/environment";

/**
 * An environment whose backend runs as containers: the Docker target's, on one engine, and Hetzner's,
 * on its servers as Docker hosts. What the container parts read of it is the same in both: its name,
 * `images`, `protect`, the app's `service` and `workers`.
 */
export type ContainerEnvironment = DockerEnvironment | HetznerEnvironment;
