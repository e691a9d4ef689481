import { Assumption, AssumptionName, Assumptions, ASSUMPTION_NAMES } from "./types";

/*
 * Usage the configuration cannot say: how much is stored, served, requested. Each has a default here; an
 * environment file's optional `cost` block overrides any of them (lib/environment/schema.ts), and every
 * estimate lists the values it used and where each came from.
 */

export const DEFAULT_ASSUMPTIONS: Readonly<Record<AssumptionName, number>> = {
  bucketGb: 10,
  backupGb: 20,
  logsGb: 1,
  egressGb: 100,
  requestsPerMonth: 1_000_000,
  requestSeconds: 0.2,
};

export const ASSUMPTION_MEANINGS: Readonly<Record<AssumptionName, string>> = {
  bucketGb: "GB stored in the data bucket (its off-site copy holds as much)",
  backupGb: "GB of backups kept: database dumps in the backup bucket (Hetzner), Cloud SQL's backups (Google Cloud)",
  logsGb: "GB kept in the bucket of the data bucket's access logs (Google Cloud)",
  egressGb: "GB served to the internet per month",
  requestsPerMonth: "requests to the service per month",
  requestSeconds: "seconds an average request keeps an instance busy (Cloud Run beyond its minimum instances)",
};

export const ASSUMPTION_UNITS: Readonly<Record<AssumptionName, string>> = {
  bucketGb: "GB", backupGb: "GB", logsGb: "GB", egressGb: "GB/month", requestsPerMonth: "requests/month", requestSeconds: "s",
};

/** The assumptions of an estimate: the file's `cost` block where it says, the defaults elsewhere. */
export function assumptionsFor(fromFile: Partial<Record<AssumptionName, number>> = {}): Assumptions {
  return Object.fromEntries(ASSUMPTION_NAMES.map((name): [AssumptionName, Assumption] => {
    const value = fromFile[name];
    return [name, value === undefined
      ? { value: DEFAULT_ASSUMPTIONS[name], from: "default", meaning: ASSUMPTION_MEANINGS[name] }
      : { value, from: "environment file", meaning: ASSUMPTION_MEANINGS[name] }];
  })) as Assumptions;
}
