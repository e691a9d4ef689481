import { Problem, valueAt } from "./problems";

/** Rules that tie fields together, checked on the raw data alongside the schema. */
export function consistencyProblems(raw: unknown): Problem[] {
  const problems: Problem[] = [];
  if (valueAt(raw, ["provider"]) === "docker" && valueAt(raw, ["dns"]) !== undefined && valueAt(raw, ["host", "publicIpv4"]) === undefined) {
    problems.push({ field: "host.publicIpv4", value: undefined, message: "required when dns is set: the address the DNS records point at" });
  }
  if (valueAt(raw, ["provider"]) === "hetzner") {
    // Postgres comes from the server image's Debian packages: Debian 12 ships 15, Debian 13 ships 17.
    const debian = { "debian-12": 15, "debian-13": 17 } as Record<string, number>;
    const image = (valueAt(raw, ["serverImage"]) as string | undefined) ?? "debian-12";
    const postgres = valueAt(raw, ["database", "postgres"]);
    if (debian[image] !== undefined && [15, 16, 17].includes(postgres as number) && postgres !== debian[image]) {
      problems.push({ field: "database.postgres", value: postgres, message: `${image} ships Postgres ${debian[image]}; use that, or another serverImage` });
    }
  }
  return problems;
}
