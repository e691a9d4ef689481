/**
 * Terraform providers that put nothing anywhere, so they have no location table. Listed here, each
 * with the reason, so the residency aspect can tell them from a provider nobody has described yet:
 * it refuses any provider that is neither here nor in a location table (LOCATION_TABLES).
 */
export const LOCATIONLESS_PROVIDERS: Readonly<Record<string, string>> = {
  terraform: "reads another stack's outputs from that stack's state, whose backend is judged",
  random: "generates values inside Terraform: they exist only in the state, whose backend is judged",
  portable: "this project's own: reads the deployer's secrets from the environment Terraform runs in; they exist only in the state, whose backend is judged",
};

/** State backends that keep the state on the machine that runs Terraform, with no provider in between. */
export const LOCATIONLESS_BACKENDS: Readonly<Record<string, string>> = {
  local: "a file on the machine that runs Terraform",
};
