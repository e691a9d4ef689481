import { DockerEnvironment } from "../../lib/environment";
import type { Target } from "../targets";
import { dockerParts, dockerProviders } from ".";

/** A Docker Engine: this machine's, or a VPS's over ssh. Its schema is lib/environment/schema.ts's dockerEnvironment, its locations lib/residency/docker.ts. */
export const dockerTarget: Target<DockerEnvironment> = { provider: "docker", providers: dockerProviders, parts: dockerParts };
