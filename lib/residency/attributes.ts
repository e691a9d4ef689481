/**
 * Which attributes of a Terraform block say where something is. Shared by the residency aspect (the
 * synthesized configuration) and the plan report (the values terraform plans), so both judge the same
 * attributes.
 */
import type { PathStep } from "./expressions";

/**
 * Attribute names that say where something is. Matched anywhere in a block, at any depth. Checked
 * against every attribute name in the google, hcloud and s3 bindings: `location_id` (Firestore,
 * App Engine, Memorystore Redis) and `alternative_location_id` (Redis' second zone) are places, and
 * so is Pub/Sub's `allowed_persistence_regions` (where messages are stored).
 */
const LOCATION_KEY = /^(location|locations|location_id|region|regions|zone|zones|datacenter|network_zone|node_locations|endpoint|endpoints|allowed_persistence_regions|[a-z0-9_]+_(location|locations|location_id|region|zone|zones))$/;
/**
 * Names that match the pattern but are not places: time zones, DNS zones, a Dataplex zone (a name
 * inside a lake), where a key sits in an HTTP request, and hierarchy settings (google bindings).
 */
const NOT_A_LOCATION = new Set([
  "timezone", "managed_zone", "zone_id", "zone_name", "dns_zone", "dataplex_zone",
  "http_element_location", "request_location", "producer_instance_location", "default_tenant_location",
]);
const TIME_ZONE = /(^|_)time_zone$/;
/** In DNS resources `zone` names a DNS zone, not a place. */
const DNS_TYPE = /(^|_)(dns|rrset|zone|record)(_|$)/;

/** Whether `key`, an attribute of a `resourceType` block, names a place. */
export function isLocationKey(key: string, resourceType: string): boolean {
  return LOCATION_KEY.test(key) && !NOT_A_LOCATION.has(key) && !TIME_ZONE.test(key) && !(key === "zone" && DNS_TYPE.test(resourceType));
}

/**
 * Turns a value that is not known in the tree yet (a cdktf token) into its value, and returns any
 * other value as it is. The aspect passes cdktf's resolver; plain JSON (a plan) needs none.
 */
export type ResolveValue = (value: unknown) => unknown;
const asIs: ResolveValue = (value) => value;

/**
 * Every string under a location attribute of `block`, at any depth, as [attribute path, value]; paths
 * look like `settings[0].location_preference[0].zone`. Callers decide what a value is: the aspect reads
 * references (`${...}`) where they point, the plan report names values known only after apply.
 *
 * `resolve` is applied to every object or list before it is looked into, to map keys and to every value
 * under a location attribute, so a token there (a whole nested block, a key, a location) is judged by
 * what it resolves to. Other strings are never resolved: that was most of the work, and synth does it
 * again anyway.
 */
export function locationAttributes(block: unknown, resourceType: string, resolve: ResolveValue = asIs): Generator<[string, string]> {
  return walk(block, resourceType, "", resolve);
}

/**
 * Places a block puts data in without naming them in a location attribute: what the provider
 * chooses when a setting is left out, a setting that means "anywhere", or a place another resource
 * is (a transfer job's sink bucket, a log sink's destination, a bucket's access log bucket). Each is given at the attribute responsible, with the value the
 * provider uses (`global`: no table allows it) or a reference to the other resource's location.
 * Configuration only: in a plan the provider's choice is a planned value already, and a value
 * known only after apply is absent from it.
 */
const IMPLIED_LOCATIONS: Record<string, (get: (...keys: string[]) => unknown) => [string, string][]> = {
  // `replication { auto {} }`: Google replicates the secret to whichever regions it chooses.
  google_secret_manager_secret: (get) => (get("replication", "auto") != null ? [["replication.auto", "global"]] : []),
  // Without a location a dataset is created in the US multi-region.
  google_bigquery_dataset: (get) => (get("location") == null ? [["location", "US"]] : []),
  // A transfer job puts data where its sink is: a bucket of the stack, referenced, is judged by its location;
  // a bucket named literally (which could be anywhere) and a file system (through agents) are not places.
  google_storage_transfer_job: (get) => ["transfer_spec", "replication_spec"].flatMap((spec): [string, string][] => {
    const bucket = get(spec, "gcs_data_sink", "bucket_name");
    const sinks: [string, string][] = typeof bucket === "string" ? [[`${spec}.gcs_data_sink.bucket_name`, locationOfBucket(bucket)]] : [];
    return get(spec, "posix_data_sink") != null ? [...sinks, [`${spec}.posix_data_sink`, "a file system"]] : sinks;
  }),
  // A sink stores logs where its destination is: a log bucket or a bucket of the stack is judged by its location;
  // any other destination (BigQuery, Pub/Sub, another project) is not a place and is refused.
  google_logging_project_sink: (get) => {
    const destination = get("destination");
    return typeof destination === "string" ? [["destination", locationOfSinkDestination(destination)]] : [];
  },
  // A bucket's access logs are written into its log bucket: a bucket of the stack is judged by its location.
  google_storage_bucket: (get) => {
    const logBucket = get("logging", "log_bucket");
    return typeof logBucket === "string" ? [["logging.log_bucket", locationOfBucket(logBucket)]] : [];
  },
};

/**
 * Where a sink's destination stores: a log bucket's location is part of its name
 * (`logging.googleapis.com/projects/<p>/locations/<location>/buckets/<b>`, or a reference to a log bucket
 * of the stack), a Cloud Storage bucket's is its own; anything else stays as it is.
 */
function locationOfSinkDestination(destination: string): string {
  const logBucket = /^logging\.googleapis\.com\/projects\/[^/]+\/locations\/([^/]+)\/buckets\/[^/]+$/.exec(destination);
  if (logBucket) return logBucket[1];
  const ref = /^logging\.googleapis\.com\/\$\{google_logging_project_bucket_config\.([A-Za-z0-9_-]+)\.id\}$/.exec(destination);
  if (ref) return `\${google_logging_project_bucket_config.${ref[1]}.location}`;
  const storage = /^storage\.googleapis\.com\/(.+)$/.exec(destination);
  return storage ? locationOfBucket(storage[1]) : destination;
}

/** `${google_storage_bucket.<name>.name}` (or `.id`, the same) becomes that bucket's location; anything else stays as it is. */
function locationOfBucket(name: string): string {
  const ref = /^\$\{google_storage_bucket\.([A-Za-z0-9_-]+)\.(name|id)\}$/.exec(name);
  return ref ? `\${google_storage_bucket.${ref[1]}.location}` : name;
}

/** The places `block`, a synthesized `resourceType` block, implies (see IMPLIED_LOCATIONS). */
export function impliedLocations(block: unknown, resourceType: string, resolve: ResolveValue = asIs): [string, string][] {
  const implied = IMPLIED_LOCATIONS[resourceType];
  return implied ? implied((...keys) => valueAt(block, keys, resolve)) : [];
}

/**
 * The value at `path` in synthesized configuration. Terraform addresses a nested block as a list
 * (`settings[0].location`) where cdktf may synthesize a single block as an object, so `[0]` on an
 * object, and a key on a one-element list, look through.
 */
export function valueAt(root: unknown, path: readonly PathStep[], resolve: ResolveValue): unknown {
  let v = resolve(root);
  for (const step of path) {
    if (typeof step === "number") {
      if (Array.isArray(v)) v = v[step];
      else if (step !== 0 || v === null || typeof v !== "object") return undefined;
    } else {
      if (Array.isArray(v) && v.length === 1) v = resolve(v[0]);
      if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
      v = (v as Record<string, unknown>)[step];
    }
    v = resolve(v);
  }
  return v;
}

function* walk(value: unknown, resourceType: string, path: string, resolve: ResolveValue): Generator<[string, string]> {
  // A string or number outside a location attribute holds no location attribute: it is not resolved (a
  // cloud-init document, say, would be rendered for nothing).
  if (typeof value !== "object" || value === null) return;
  const block = resolve(value);
  if (Array.isArray(block)) {
    for (const [i, v] of block.entries()) yield* walk(v, resourceType, `${path}[${i}]`, resolve);
    return;
  }
  if (block === null || typeof block !== "object") return;
  for (const [rawKey, v] of Object.entries(block)) {
    const key = String(resolve(rawKey));
    const attribute = path ? `${path}.${key}` : key;
    if (isLocationKey(key, resourceType)) yield* strings(v, attribute, resolve);
    else yield* walk(v, resourceType, attribute, resolve);
  }
}

function* strings(raw: unknown, path: string, resolve: ResolveValue): Generator<[string, string]> {
  const value = resolve(raw);
  if (typeof value === "string") yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`, resolve);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) yield* strings(v, `${path}.${String(resolve(k))}`, resolve);
}
