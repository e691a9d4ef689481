import { join } from "node:path";
import { Environment, loadEnvironments } from "../../lib/environment";

/** The project's own environments folder. */
export const SHIPPED_ENVIRONMENTS_DIR = join(__dirname, "..", "..", "environments");

let shipped: Environment[] | undefined;

/** The shipped environments (environments/), loaded and validated the way the app loads them; once per test file. */
export function shippedEnvironments(): Environment[] {
  return (shipped ??= loadEnvironments(SHIPPED_ENVIRONMENTS_DIR));
}

/** The shipped environment named `name`; a name with no file in environments/ is an error. */
export function shippedEnvironment(name: string): Environment {
  const found = shippedEnvironments().find((e) => e.name === name);
  if (!found) throw new Error(`no shipped environment "${name}" in ${SHIPPED_ENVIRONMENTS_DIR}`);
  return found;
}
