/*
 * The package's API (README "Using it in your own cdktf app"): the backend as a construct for a stack of
 * your own, the environment-file flow built on it, and how to add a target.
 */
export { PortableBackend, type PortableBackendProps } from "./constructs/portable-backend";
export { BackendStack, environmentStacks, ResidencyError } from "./constructs/backend-stack";
export { createBackendApp, type BackendAppProps } from "./constructs/backend-app";
export { EnvironmentStack, pinProviderVersions } from "./constructs/environment-stack";
export {
  defineEnvironment, EnvironmentError, loadEnvironments, validateEnvironment,
  type Environment, type EnvironmentInput, type DockerEnvironment, type HetznerEnvironment, type GcpEnvironment, type Problem,
} from "./lib/environment";
export { RESIDENCY_POLICIES, RESIDENCY_POLICY_NAMES, type ResidencyPolicy } from "./lib/residency";
export { ResidencyAspect } from "./constructs/residency-aspect";
