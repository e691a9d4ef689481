import { Problem, valueAt } from "./problems";

/** Rules that tie fields together, checked on the raw data alongside the schema. */
export function consistencyProblems(raw: unknown): Problem[] {
  const problems: Problem[] = [];
  if (valueAt(raw, ["provider"]) === "docker" && valueAt(raw, ["dns"]) !== undefined && valueAt(raw, ["host", "publicIpv4"]) === undefined) {
    problems.push({ field: "host.publicIpv4", value: undefined, message: "required when dns is set: the address the DNS records point at" });
  }
  return problems;
}
