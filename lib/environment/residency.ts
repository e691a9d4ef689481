import { HETZNER_OBJECT_STORAGE_LOCATIONS } from "../residency/hetzner";
import { judgeLocation, LOCATION_TABLES, providerRefusal, RESIDENCY_POLICIES, ProviderLocations } from "../residency";
import { Problem, valueAt } from "./problems";

type TableName = keyof typeof LOCATION_TABLES;

/**
 * The residency policy, applied to an environment file as written: every location it names and
 * every provider it uses. Works on the raw data so its findings come together with schema errors.
 */
export function residencyProblems(raw: unknown): Problem[] {
  const policyName = valueAt(raw, ["residency"]);
  const provider = valueAt(raw, ["provider"]);
  const policy = RESIDENCY_POLICIES[policyName as keyof typeof RESIDENCY_POLICIES];
  if (!policy || typeof provider !== "string" || !(provider in LOCATION_TABLES)) return []; // the schema reports these

  const problems: Problem[] = [];
  const refused = new Set<TableName>();
  const checkProvider = (field: string[], table: TableName) => {
    const refusal = providerRefusal(policy, LOCATION_TABLES[table]);
    if (refusal) {
      refused.add(table);
      problems.push({ field: field.join("."), value: valueAt(raw, field), message: refusal });
    }
  };
  const checkLocation = (field: string[], table: TableName, only?: readonly string[], what?: string) => {
    const value = valueAt(raw, field);
    if (value === undefined || refused.has(table)) return;
    if (typeof value !== "string") {
      problems.push({ field: field.join("."), value, message: "expected a location name (string)" });
      return;
    }
    const verdict = judgeLocation(policy, LOCATION_TABLES[table] as ProviderLocations, value);
    if (!verdict.allowed) {
      problems.push({ field: field.join("."), value, message: verdict.reason });
    } else if (only && !only.includes(verdict.location.id)) {
      problems.push({ field: field.join("."), value, message: `${what} is only offered in: ${only.join(", ")}` });
    }
  };

  checkProvider(["provider"], provider as TableName);
  checkLocation(["location"], provider as TableName);
  const objectStorage = provider === "hetzner" ? HETZNER_OBJECT_STORAGE_LOCATIONS : undefined;
  checkLocation(["bucket", "location"], provider as TableName, objectStorage, "Hetzner Object Storage");

  const dnsProvider = valueAt(raw, ["dns", "provider"]);
  if (typeof dnsProvider === "string" && dnsProvider in LOCATION_TABLES) checkProvider(["dns", "provider"], dnsProvider as TableName);

  // Where the Terraform state (which holds secrets) is stored.
  const backend = valueAt(raw, ["state", "backend"]);
  if (backend === "s3") {
    checkProvider(["state", "backend"], "hetzner");
    checkLocation(["state", "location"], "hetzner", HETZNER_OBJECT_STORAGE_LOCATIONS, "Hetzner Object Storage");
  } else if (backend === "gcs") {
    checkProvider(["state", "backend"], "gcp");
    checkLocation(["state", "location"], "gcp");
  }
  return dedupe(problems);
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.field + p.message) && seen.add(p.field + p.message));
}
