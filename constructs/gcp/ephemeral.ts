import { Construct } from "constructs";
import { Fn, TerraformStack } from "cdktf";

/**
 * A password generated for one run and never stored: Terraform's `ephemeral "random_password"` (random
 * provider 3.7+, Terraform 1.10+), which cdktf 0.21 has no construct for, so it is written into the stack's
 * configuration directly. Usable only where a value is not kept either: write-only arguments
 * (`password_wo`, `secret_data_wo`), which Terraform sends to the provider and stores nowhere, neither in
 * the state nor in a plan. Returns the reference to its value.
 */
export function ephemeralPassword(scope: Construct, name: string, length = 32): string {
  TerraformStack.of(scope).addOverride(`ephemeral.random_password.${name}`, { length, special: false });
  return `\${ephemeral.random_password.${name}.result}`;
}

/** A reference to an ephemeral value anywhere in `value`. */
const EPHEMERAL_REFERENCE = /\$\{ephemeral\.[A-Za-z0-9_.-]+\}/g;

export const hasEphemeralValue = (value: string) => new RegExp(EPHEMERAL_REFERENCE.source).test(value);

/**
 * The `*_wo_version` of a write-only value built around an ephemeral one (a URL with a password in it):
 * a number that changes whenever the rest of the value does (a new instance's address), or the ephemeral
 * value's name does (a password's rotation number is in it), so that the value is written again in the
 * same run as the password it carries is sent to its user. It is derived from the value with each
 * ephemeral reference replaced by its name, so it says nothing about the ephemeral values themselves.
 */
export function writeOnlyVersion(value: string): number {
  const stable = value.replace(EPHEMERAL_REFERENCE, (reference) => reference.slice(2, -1));
  // Joined from its literal parts and its references as list items: a reference embedded in a string
  // literal inside a function call is one cdktf 0.21 renders only with a warning.
  const parts = stable.split(/(\$\{TfToken\[[A-Za-z0-9:._-]+\]\})/).filter((part) => part !== "");
  return Fn.parseint(Fn.substr(Fn.sha256(Fn.join("", parts)), 0, 7), 16) as unknown as number;
}
