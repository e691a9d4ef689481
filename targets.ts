/*
 * `portable-backend/targets`: what adding a target takes (README "Adding a target") — its registration,
 * the parts it implements and what they hand each other, the fields every environment has, and the
 * residency tables' types.
 */
export { registerTarget, type Target } from "./constructs/targets";
export * from "./constructs/parts";
export { appEnvironment, type AppEnvironment } from "./constructs/app-environment";
export { commonFields, localState, type TargetSettings } from "./lib/environment";
export type { Location, ProviderLocations } from "./lib/residency";
