import { HETZNER_OBJECT_STORAGE_LOCATIONS } from "../residency/hetzner";
import { allowedLocations, judgeLocation, Location, locationTable, providerRefusal, RESIDENCY_POLICIES } from "../residency";
import { Problem, valueAt } from "./problems";

/** An environment `provider` with a location table (locationTable): built in, or a registered target's. */
type TableName = string;

/**
 * The residency policy, applied to an environment file as written: every location it names and
 * every provider it uses. Works on the raw data so its findings come together with schema errors.
 */
export function residencyProblems(raw: unknown): Problem[] {
  const policyName = valueAt(raw, ["residency"]);
  const provider = valueAt(raw, ["provider"]);
  const policy = RESIDENCY_POLICIES[policyName as keyof typeof RESIDENCY_POLICIES];
  if (!policy || typeof provider !== "string" || !locationTable(provider)) return []; // the schema reports these

  const problems: Problem[] = [];
  const refused = new Set<TableName>();
  const checkProvider = (field: string[], table: TableName) => {
    const refusal = providerRefusal(policy, locationTable(table)!);
    if (refusal) {
      refused.add(table);
      problems.push({ field: field.join("."), value: valueAt(raw, field), message: refusal });
    }
  };
  /**
   * Judges the location at `field` (or, when it is left out, the one it defaults to) and checks that
   * it names a place the way the provider's API does: a table entry by its own id, of the kinds the
   * field takes (a datacenter or network zone resolves to a location, but no server can be put there).
   */
  const checkLocation = (field: string[], table: TableName, opts: { what: string; kinds?: readonly Location["kind"][]; only?: readonly string[]; defaultsTo?: string[] }) => {
    const given = valueAt(raw, field);
    const name = field.join(".");
    // Left out, the field takes another's value: judged here only for what this field adds (e.g. Object
    // Storage's locations), and only when that field has no problem of its own already.
    if (given === undefined && (!opts.defaultsTo || problems.some((p) => p.field === opts.defaultsTo!.join(".")))) return;
    const value = given ?? valueAt(raw, opts.defaultsTo!);
    const defaulted = given === undefined ? ` (${name} defaults to ${opts.defaultsTo!.join(".")}; set it to one of them)` : "";
    if (value === undefined || refused.has(table)) return;
    if (typeof value !== "string") {
      if (given !== undefined) problems.push({ field: name, value, message: "expected a location name (string)" });
      return;
    }
    const locations = locationTable(table)!;
    const verdict = judgeLocation(policy, locations, value, opts.kinds);
    if (!verdict.allowed) {
      problems.push({ field: name, value: given, message: verdict.reason + defaulted });
      return;
    }
    const fits = allowedLocations(policy, locations, opts.kinds).filter((l) => !opts.only || opts.only.includes(l.id)).map((l) => l.id).join(", ");
    const { id, kind } = verdict.location;
    // The API takes a place by its own id: a datacenter, zone or upper-case spelling resolves to an
    // entry for the policy, but is not where a server or bucket can be put.
    const notIt = value === id ? (opts.kinds && !opts.kinds.includes(kind) ? `a ${kind.replace("network-zone", "network zone").replace("firestore-", "Firestore ")}` : undefined)
      : /-dc[0-9]+$/.test(value) ? `a datacenter in ${id}` : /-[a-z]$/.test(value) ? `a zone in ${id}` : undefined;
    if (value !== id && !notIt) problems.push({ field: name, value: given, message: `write it "${id}", as the provider's API does${defaulted}` });
    else if (notIt) problems.push({ field: name, value: given, message: `"${value}" is ${notIt}, not ${opts.what}; use one of: ${fits}${defaulted}` });
    else if (opts.only && !opts.only.includes(id)) problems.push({ field: name, value: given, message: `"${value}" is not ${opts.what}; use one of: ${fits}${defaulted}` });
  };

  const table = locationTable(provider)!;
  const site = { what: `a ${table.provider} ${table.environmentKinds.join(" or ")}`, kinds: table.environmentKinds };
  // Where each provider's buckets (the app's, the state's) can be; Docker's bucket is on the Docker host,
  // wherever `location` says (consistency.ts refuses bucket.location there).
  const bucketSites: Partial<Record<TableName, { what: string; kinds: readonly Location["kind"][]; only?: readonly string[] }>> = {
    hetzner: { what: "a Hetzner Object Storage location", kinds: ["location"], only: HETZNER_OBJECT_STORAGE_LOCATIONS },
    gcp: { what: "a GCS bucket location", kinds: ["region", "multi-region", "dual-region"] },
  };
  checkProvider(["provider"], provider);
  checkLocation(["location"], provider, site);
  const bucketSite = bucketSites[provider];
  if (bucketSite) checkLocation(["bucket", "location"], provider, { ...bucketSite, defaultsTo: ["location"] });

  // Where off-site copies of the backups go: on gcp a second GCP location; elsewhere any store, named by
  // a Hetzner location, a GCP region or a country, judged with that provider's table.
  const offsite = ["backups", "offsite", "location"];
  const offsiteValue = valueAt(raw, offsite);
  if (typeof offsiteValue === "string") {
    const gcpSite = { what: "a Cloud SQL backup and GCS location (an EU region or eu)", kinds: ["region", "multi-region"] as const };
    const host = provider === "gcp" ? "gcp" : offsiteTable(offsiteValue);
    checkProvider(offsite, host);
    checkLocation(offsite, host, host === "gcp" ? gcpSite : host === "hetzner" ? bucketSites.hetzner! : { what: "a country (ISO 3166 code such as de)", kinds: ["country"] });
  }

  const dnsProvider = valueAt(raw, ["dns", "provider"]);
  if (typeof dnsProvider === "string" && locationTable(dnsProvider)) checkProvider(["dns", "provider"], dnsProvider);

  // Where the Terraform state (which holds secrets) is stored.
  const backend = valueAt(raw, ["state", "backend"]);
  if (typeof backend === "string" && Object.hasOwn(STATE_TABLES, backend)) {
    const host = STATE_TABLES[backend as keyof typeof STATE_TABLES];
    checkProvider(["state", "backend"], host);
    checkLocation(["state", "location"], host, bucketSites[host]!);
  }
  return dedupe(problems);
}

/** Whose location table judges where an environment's `state.backend` keeps the state. */
const STATE_TABLES = { "hetzner-object-storage": "hetzner", s3: "hetzner", gcs: "gcp" } as const;

/** The table that names an off-site store's location: Hetzner's or GCP's when it is theirs, else a country (Docker's table). */
function offsiteTable(value: string): TableName {
  for (const table of ["hetzner", "gcp"] as const) if (locationTable(table)!.resolve(value)) return table;
  return "docker";
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.field + p.message) && seen.add(p.field + p.message));
}
