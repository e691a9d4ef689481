/*
 * The deploy baseline: a docker-compose file equivalent to a Docker environment's synthesized stack.
 * It is generated from the stack's cdk.tf.json (not written by hand), so it has the same images,
 * containers, environment, networks, volumes, ports, healthchecks and start order as what Terraform
 * creates, and follows the product when it changes. Anything in the stack it cannot express fails
 * the generation instead of being dropped silently.
 *
 * What Terraform computes at apply and compose cannot, it resolves at generation:
 * - `${random_id.<id>.hex}` (the release id in the app's container names) → a fixed hex string, derived
 *   from the environment's and the resource's names: compose keeps a service's container name across
 *   `up` and recreates changed containers in place, so the name must not change with a release (a
 *   changed name would not matter to compose, but the proxy's route table names the replicas);
 * - `${substr(docker_image.<id>.image_id, 7, 12)}` (the probe installer's name) → a word made of the
 *   image's reference (`caddy-2.11.9`): the name only makes Terraform replace the container when the
 *   image changes, which compose does by itself (an image's id is part of what it compares), and a
 *   word keeps the generated file the same on every machine and after every image build;
 * - `${docker_container.<id>.name}` (in variables, in uploaded files) → that container's resolved name;
 * - `network_mode = "container:${docker_container.<id>.id}"` → `network_mode: "service:<service>"`.
 * What is deliberately not carried over: `create_before_destroy` (compose has no replacement order: it
 * stops a changed container, then starts its successor, which is the difference the release benchmark
 * measures), `wait_timeout` (compose waits for a health state, not a time) and the one-shot containers'
 * exit-code postconditions, which become `condition: service_completed_successfully` for what depends on
 * them (the benchmark's health wait checks the others' exit codes).
 */
import { createHash } from "node:crypto";

type Json = Record<string, any>;

/** A generated password: compose reads it from a variable the benchmark fills at `up`, like Terraform generates it at apply. */
export interface ComposeSecret {
  readonly variable: string;
  readonly length: number;
  readonly upper: boolean;
  readonly lower: boolean;
  readonly numeric: boolean;
}

/** A container of the stack as the health wait finds it: by its role label (names carry release ids), else by name. */
export interface ComposeServiceSummary {
  /** Its name (as compose names it: release ids resolved). */
  readonly container: string;
  /** Its `io.portable-backend.role` label, if any. */
  readonly role?: string;
  /**
   * Counts as up only once healthy: it has a healthcheck and Terraform waits for it (wait = true), as
   * compose's dependants do (service_healthy). The backup sidecar's healthcheck reports on its scheduled
   * backups every 30 s and gates nothing (wait = false): it counts once running.
   */
  readonly healthcheck: boolean;
  /** Runs once to completion (must_run = false), its exit code checked. */
  readonly oneShot: boolean;
}

export interface ComposeProject {
  /** The compose file's content (serialize as YAML or JSON). */
  readonly compose: Json;
  /** Files the compose file bind-mounts (Terraform uploads them into the containers), relative to it. */
  readonly files: ReadonlyMap<string, string>;
  readonly secrets: readonly ComposeSecret[];
  /** Every container, long-running and one-shot. */
  readonly services: readonly ComposeServiceSummary[];
  /** What was resolved at generation (release ids, image words), for the compose file's header. */
  readonly resolved: readonly string[];
}

export const ROLE_LABEL_KEY = "io.portable-backend.role";

const CONTAINER_KEYS = new Set(["//", "name", "image", "env", "labels", "networks_advanced", "network_mode", "volumes", "healthcheck", "ports", "upload",
  "restart", "wait", "wait_timeout", "destroy_grace_seconds", "stop_signal", "command", "entrypoint", "user", "must_run", "attach", "logs",
  "depends_on", "lifecycle"]);
const NETWORK_KEYS = new Set(["//", "name", "internal", "labels"]);
const VOLUME_KEYS = new Set(["//", "name", "labels"]);
const RANDOM_ID_KEYS = new Set(["//", "byte_length", "keepers"]);
const MOUNT_KEYS = new Set(["volume_name", "container_path", "read_only"]);
const UPLOAD_KEYS = new Set(["file", "content"]);
const ATTACHMENT_KEYS = new Set(["name", "aliases"]);
const LIFECYCLE_KEYS = new Set(["create_before_destroy", "postcondition"]);
/** The exit-code check of a one-shot container (constructs/docker/container.ts, oneShotContainer). */
const EXIT_ZERO = "${self.exit_code == 0}";

/** Compose for the Docker stack `stack` (parsed cdk.tf.json) of the environment named `env`. */
export function composeFromStack(stack: Json, env: string): ComposeProject {
  const resources: Json = stack.resource ?? {};
  const known = new Set(["docker_container", "docker_network", "docker_volume", "docker_image", "random_password", "random_id"]);
  for (const type of Object.keys(resources)) if (!known.has(type)) throw new Error(`compose: the stack has ${type}, which a compose file cannot express`);
  if (stack.data && Object.keys(stack.data).length) throw new Error(`compose: the stack reads data sources (${Object.keys(stack.data).join(", ")}), which a compose file cannot express`);
  const of = (type: string): Json => resources[type] ?? {};
  const containers = of("docker_container");
  const short = (name: string) => (name.startsWith(`${env}-`) ? name.slice(env.length + 1) : name);
  const resolved: string[] = [];

  const secrets: ComposeSecret[] = Object.entries(of("random_password")).map(([id, p]) => ({
    variable: secretVariable(id), length: p.length, upper: p.upper !== false, lower: p.lower !== false, numeric: p.numeric !== false,
  }));

  const releaseIds = new Map<string, string>();
  for (const [id, r] of Object.entries(of("random_id"))) {
    checkKeys(r, RANDOM_ID_KEYS, `random_id.${id}`);
    const hex = fixedHex(env, id, r.byte_length);
    releaseIds.set(id, hex);
    resolved.push(`\${random_id.${id}.hex} → ${hex} (fixed: compose keeps container names across \`up\`)`);
  }
  const imageWords = new Map<string, string>();

  /** Container id → compose service name: its name without what Terraform computes (release ids) and the environment's prefix. */
  const serviceNames = new Map<string, string>();
  for (const [id, c] of Object.entries(containers)) {
    if (typeof c.name !== "string") throw new Error(`compose: docker_container.${id} has no name`);
    const service = short(c.name.replace(/\$\{[^}]*\}/g, "")).replace(/-+/g, "-").replace(/^-|-$/g, "");
    const clash = [...serviceNames].find(([, s]) => s === service);
    if (!service || clash) throw new Error(`compose: docker_container.${id} (${c.name}) gives no service name of its own${clash ? ` (docker_container.${clash[0]} is ${service} too)` : ""}`);
    serviceNames.set(id, service);
  }
  const serviceOf = (id: string) => {
    const service = serviceNames.get(id);
    if (!service) throw new Error(`compose: docker_container.${id} is not in the stack`);
    return service;
  };

  /**
   * A Terraform string with its references resolved to what compose says for them: in the compose
   * file (`$` escaped, generated secrets as compose variables) or as a fixed value (a name, a file's
   * content: no secret can go there). `refs` collects the containers it refers to (Terraform orders by them).
   */
  const resolve = (text: string, mode: "compose" | "fixed", where: string, refs?: Set<string>, seen: readonly string[] = []): string => {
    if (typeof text !== "string") throw new Error(`compose: ${where} is not a string`);
    if (text.includes("%{")) throw new Error(`compose: ${where} has a Terraform template directive, which compose cannot express`);
    return text.split(/(\$\{[^}]*\})/).map((part) => {
      if (!part.startsWith("${")) return mode === "compose" ? part.replace(/\$/g, "$$$$") : part;
      const substr = /^\$\{substr\(docker_image\.([^.}\s]+)\.image_id, 7, 12\)\}$/.exec(part);
      if (substr) return imageWord(substr[1]);
      const ref = /^\$\{([a-z_]+)\.([^.}\s]+)\.([a-z_]+)\}$/.exec(part);
      if (!ref) throw new Error(`compose: ${where} has ${part}, which compose cannot express`);
      const [, type, id, attr] = ref;
      const target = of(type)[id];
      if (!target) throw new Error(`compose: ${part} in ${where} refers to nothing in the stack`);
      if (type === "random_password" && attr === "result") {
        if (mode === "fixed") throw new Error(`compose: ${where} has the generated secret ${part}: compose can only pass it in a variable`);
        return `\${${secretVariable(id)}}`;
      }
      if (type === "random_id" && attr === "hex") return releaseIds.get(id)!;
      if (type === "docker_image" && attr === "image_id") return target.name;
      if ((type === "docker_network" || type === "docker_volume") && attr === "name") return mode === "compose" ? short(target.name) : target.name;
      if (type === "docker_container" && attr === "name") {
        if (seen.includes(id)) throw new Error(`compose: the name of docker_container.${id} refers to itself`);
        refs?.add(id);
        return resolve(target.name, "fixed", `docker_container.${id}.name`, undefined, [...seen, id]);
      }
      throw new Error(`compose: ${where} has ${part}, which compose cannot express`);
    }).join("");
  };
  const imageWord = (id: string): string => {
    const image = of("docker_image")[id];
    if (!image) throw new Error(`compose: docker_image.${id} is not in the stack`);
    let word = imageWords.get(id);
    if (!word) {
      word = String(image.name).split("/").pop()!.replace(/[^A-Za-z0-9_.-]+/g, "-");
      imageWords.set(id, word);
      resolved.push(`\${substr(docker_image.${id}.image_id, 7, 12)} → ${word} (${image.name}: compose replaces a container whose image changed by itself)`);
    }
    return word;
  };
  const nameOf = (id: string) => resolve(containers[id].name, "fixed", `docker_container.${id}.name`, undefined, [id]);

  const networks: Json = {};
  for (const [id, n] of Object.entries(of("docker_network"))) {
    checkKeys(n, NETWORK_KEYS, `docker_network.${id}`);
    networks[short(n.name)] = { name: n.name, ...(n.internal ? { internal: true } : {}), labels: labelMap(n.labels) };
  }
  const volumes: Json = {};
  for (const [id, v] of Object.entries(of("docker_volume"))) {
    checkKeys(v, VOLUME_KEYS, `docker_volume.${id}`);
    volumes[short(v.name)] = { name: v.name, labels: labelMap(v.labels) };
  }

  /** How a one-shot container's completion is checked: Terraform waits for it (attach) and fails unless it exited 0 (postcondition). */
  const exitChecked = (c: Json) => c.attach === true && (c.lifecycle?.postcondition ?? []).some((p: Json) => p.condition === EXIT_ZERO);

  const files = new Map<string, string>();
  const services: Json = {};
  const summary: ComposeServiceSummary[] = [];
  for (const [id, c] of Object.entries(containers)) {
    checkKeys(c, CONTAINER_KEYS, `docker_container.${id}`);
    const where = `docker_container.${id}`;
    const name = serviceOf(id);
    const oneShot = c.must_run === false;
    const refs = new Set<string>();
    const value = (text: string, what: string) => resolve(text, "compose", `${where}.${what}`, refs);

    if (c.lifecycle) {
      checkKeys(c.lifecycle, LIFECYCLE_KEYS, `${where}.lifecycle`);
      if (c.lifecycle.create_before_destroy !== undefined && typeof c.lifecycle.create_before_destroy !== "boolean") throw new Error(`compose: ${where} sets create_before_destroy to ${c.lifecycle.create_before_destroy}`);
      for (const p of c.lifecycle.postcondition ?? []) {
        // Only a one-shot container's exit code: compose checks it for what depends on it (service_completed_successfully).
        if (p.condition !== EXIT_ZERO || !oneShot || c.attach !== true) throw new Error(`compose: ${where} has the postcondition ${p.condition}, which compose cannot check`);
      }
    }
    if (oneShot && c.attach !== true) throw new Error(`compose: ${where} runs once without Terraform waiting for it (attach), which compose cannot express`);

    const s: Json = { container_name: nameOf(id), image: value(c.image, "image") };
    if (c.entrypoint) s.entrypoint = c.entrypoint.map((x: string) => value(x, "entrypoint"));
    if (c.command) s.command = c.command.map((x: string) => value(x, "command"));
    if (c.user) s.user = value(c.user, "user");
    if (c.env) s.environment = c.env.map((x: string) => value(x, "env"));
    s.labels = labelMap(c.labels);
    s.restart = oneShot ? "no" : (c.restart ?? "no");
    if (c.stop_signal) s.stop_signal = c.stop_signal;
    if (c.destroy_grace_seconds) s.stop_grace_period = `${c.destroy_grace_seconds}s`;

    if (c.network_mode !== undefined) {
      if (c.networks_advanced?.length) throw new Error(`compose: ${where} sets network_mode and joins networks`);
      const shared = /^container:\$\{docker_container\.([^.}\s]+)\.id\}$/.exec(c.network_mode);
      if (shared) {
        // In another container's network namespace: compose's service:<name> (it starts that one first).
        if (!containers[shared[1]]) throw new Error(`compose: ${where} shares the network of docker_container.${shared[1]}, which is not in the stack`);
        refs.add(shared[1]);
        s.network_mode = `service:${serviceOf(shared[1])}`;
      } else if (["bridge", "host", "none"].includes(c.network_mode)) {
        s.network_mode = c.network_mode;
      } else {
        throw new Error(`compose: ${where} has network_mode ${c.network_mode}, which the compose generator does not translate`);
      }
    } else if (!c.networks_advanced?.length) {
      s.network_mode = "bridge"; // Docker's default network, where the provider puts a container that names none
    } else {
      s.networks = Object.fromEntries(c.networks_advanced.map((n: Json) => {
        checkKeys(n, ATTACHMENT_KEYS, `${where}.networks_advanced`);
        const network = value(n.name, "networks_advanced");
        if (!networks[network]) throw new Error(`compose: ${where} joins ${n.name}, which is not a network of the stack`);
        return [network, n.aliases ? { aliases: n.aliases } : {}];
      }));
    }

    const mounts: string[] = [];
    for (const v of c.volumes ?? []) {
      if (!v.volume_name || !v.container_path) throw new Error(`compose: ${where} has a volume compose cannot express`);
      checkKeys(v, MOUNT_KEYS, `${where}.volumes`);
      const volume = value(v.volume_name, "volumes");
      // A kept volume (protect): Docker creates it on first use, with none of the container's labels; compose labels it with the environment.
      volumes[volume] ??= { name: v.volume_name, labels: Object.fromEntries(Object.entries(labelMap(c.labels)).filter(([k]) => k !== ROLE_LABEL_KEY)) };
      mounts.push(`${volume}:${v.container_path}${v.read_only ? ":ro" : ""}`);
    }
    for (const u of c.upload ?? []) {
      checkKeys(u, UPLOAD_KEYS, `${where}.upload`);
      if (typeof u.content !== "string") throw new Error(`compose: ${where} uploads ${u.file} without a plain content`);
      const file = `files/${name}/${u.file.split("/").pop()}`;
      files.set(file, resolve(u.content, "fixed", `${where}.upload ${u.file}`, refs));
      mounts.push(`./${file}:${u.file}:ro`);
    }
    if (mounts.length) s.volumes = mounts;
    if (c.ports) s.ports = c.ports.map((p: Json) => `${p.ip ? `${p.ip}:` : ""}${p.external}:${p.internal}${p.protocol && p.protocol !== "tcp" ? `/${p.protocol}` : ""}`);
    if (c.healthcheck) {
      const h = c.healthcheck;
      s.healthcheck = { test: h.test.map((x: string) => value(x, "healthcheck")), interval: h.interval, timeout: h.timeout, retries: h.retries, start_period: h.start_period };
    }

    // Terraform creates a container after those it depends on or refers to: once healthy (wait = true),
    // once exited 0 (a one-shot container, its exit code checked), or once created.
    const after = new Set<string>(refs);
    for (const d of c.depends_on ?? []) {
      const [type, dep, ...rest] = d.split(".");
      if (type !== "docker_container" || rest.length || !containers[dep]) throw new Error(`compose: ${where} depends on ${d}`);
      after.add(dep);
    }
    if (after.size) {
      s.depends_on = Object.fromEntries([...after].map((dep) => {
        const d = containers[dep];
        if (d.must_run === false && !exitChecked(d)) throw new Error(`compose: ${where} depends on the one-shot docker_container.${dep}, whose exit code nothing checks`);
        return [serviceOf(dep), { condition: d.must_run === false ? "service_completed_successfully" : d.wait ? "service_healthy" : "service_started" }];
      }));
    }
    services[name] = s;
    const role = labelMap(c.labels)[ROLE_LABEL_KEY];
    summary.push({ container: s.container_name, ...(role ? { role } : {}), healthcheck: c.healthcheck !== undefined && c.wait === true, oneShot });
  }
  return { compose: { services, networks, volumes }, files, secrets, services: summary, resolved };
}

/** `app_database_password_6C142978` → `APP_DATABASE_PASSWORD`. */
export function secretVariable(resourceId: string): string {
  return resourceId.replace(/_[0-9A-F]{8}$/, "").replace(/[^A-Za-z0-9]+/g, "_").toUpperCase();
}

/** A random_id's hex as compose uses it: fixed for the environment and the resource, `byteLength` bytes. */
export function fixedHex(env: string, resourceId: string, byteLength: unknown): string {
  if (!Number.isInteger(byteLength) || (byteLength as number) < 1 || (byteLength as number) > 32) throw new Error(`compose: random_id.${resourceId} has byte_length ${byteLength}`);
  return createHash("sha256").update(`${env}/${resourceId}`).digest("hex").slice(0, 2 * (byteLength as number));
}

function labelMap(labels: readonly Json[] | undefined): Record<string, string> {
  return Object.fromEntries((labels ?? []).map((l) => [l.label, l.value]));
}

function checkKeys(resource: Json, allowed: ReadonlySet<string>, what: string): void {
  const unknown = Object.keys(resource).filter((k) => !allowed.has(k));
  if (unknown.length) throw new Error(`compose: ${what} sets ${unknown.join(", ")}, which the compose generator does not translate`);
}
