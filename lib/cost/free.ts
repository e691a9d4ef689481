import { DOCKER_NO_CHARGE_PATTERNS } from "./docker";
import { GCP_NO_CHARGE, GCP_NO_CHARGE_PATTERNS } from "./gcp";
import { HETZNER_NO_CHARGE } from "./hetzner";

/*
 * Resource types that cost nothing of their own: generated values, local files, and each target's free
 * resources. Anything neither priced nor here is listed as "not priced", never counted as zero.
 */

const GENERATED: readonly [RegExp, string][] = [
  [/^random_/, "generated locally"],
  [/^tls_/, "generated locally"],
  [/^time_/, "local"],
  [/^(null_resource|terraform_data)$/, "local"],
  [/^local_/, "local"],
  [/^portable_/, "the project's own provider: generated locally"],
];

const EXACT: Readonly<Record<string, string>> = { ...HETZNER_NO_CHARGE, ...GCP_NO_CHARGE };
const PATTERNS = [...GENERATED, ...DOCKER_NO_CHARGE_PATTERNS, ...GCP_NO_CHARGE_PATTERNS];

/** Why a resource type costs nothing of its own, or undefined when it may cost something. */
export function noChargeReason(type: string): string | undefined {
  return EXACT[type] ?? PATTERNS.find(([pattern]) => pattern.test(type))?.[1];
}
