import { EnvironmentInput } from "./schema";

export * from "./schema";
export * from "./app";
export { hostBackups, type OffsiteStoreSettings } from "./backups";
export { deployerVariables } from "./deployer-variables";
export { environmentWarnings } from "./warnings";
export { EnvironmentError, type Problem } from "./problems";
export { knownProviders, registeredTarget, registerTargetSettings, type TargetSettings } from "./targets";
export { ENVIRONMENT_NAME, loadEnvironments, validateEnvironment } from "./load";
export { bootstrapStackName, gcsStatePrefix, localStatePath, s3StateKey, stateAddress, stateBucketCreators, stacksOf, type StatePart } from "./state";

/**
 * Declares an environment. Typed so editors complete and check the fields; the same rules are
 * checked again at load, where a file that bypasses the types still gets every problem listed.
 */
export function defineEnvironment<const T extends EnvironmentInput>(environment: T): T {
  return environment;
}
