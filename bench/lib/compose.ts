/*
 * The deploy baseline: a docker-compose file equivalent to a Docker environment's synthesized stack.
 * It is generated from the stack's cdk.tf.json (not written by hand), so it has the same images,
 * containers, environment, networks, volumes, ports, healthchecks and start order as what Terraform
 * creates, and follows the product when it changes. Anything in the stack it cannot express fails
 * the generation instead of being dropped silently.
 */

type Json = Record<string, any>;

/** A generated password: compose reads it from a variable the benchmark fills at `up`, like Terraform generates it at apply. */
export interface ComposeSecret {
  readonly variable: string;
  readonly length: number;
  readonly upper: boolean;
  readonly lower: boolean;
  readonly numeric: boolean;
}

export interface ComposeProject {
  /** The compose file's content (serialize as YAML or JSON). */
  readonly compose: Json;
  /** Files the compose file bind-mounts (Terraform uploads them into the containers), relative to it. */
  readonly files: ReadonlyMap<string, string>;
  readonly secrets: readonly ComposeSecret[];
  /** Long-running containers (restarted unless stopped), and which of them have a healthcheck. */
  readonly services: readonly { readonly container: string; readonly healthcheck: boolean; readonly oneShot: boolean }[];
}

const CONTAINER_KEYS = new Set(["//", "name", "image", "env", "labels", "networks_advanced", "volumes", "healthcheck", "ports", "upload",
  "restart", "wait", "wait_timeout", "destroy_grace_seconds", "stop_signal", "command", "entrypoint", "must_run", "attach", "logs",
  "depends_on", "lifecycle"]);
const NETWORK_KEYS = new Set(["//", "name", "internal", "labels"]);
const VOLUME_KEYS = new Set(["//", "name", "labels"]);

/** Compose for the Docker stack `stack` (parsed cdk.tf.json) of the environment named `env`. */
export function composeFromStack(stack: Json, env: string): ComposeProject {
  const resources: Json = stack.resource ?? {};
  const known = new Set(["docker_container", "docker_network", "docker_volume", "docker_image", "random_password"]);
  for (const type of Object.keys(resources)) if (!known.has(type)) throw new Error(`compose: the stack has ${type}, which a compose file cannot express`);
  const of = (type: string): Json => resources[type] ?? {};
  const short = (name: string) => (name.startsWith(`${env}-`) ? name.slice(env.length + 1) : name);

  const secrets: ComposeSecret[] = Object.entries(of("random_password")).map(([id, p]) => ({
    variable: secretVariable(id), length: p.length, upper: p.upper !== false, lower: p.lower !== false, numeric: p.numeric !== false,
  }));
  const serviceOf = (id: string) => short(of("docker_container")[id].name);

  /** A Terraform string with its references resolved to what compose says for them. */
  const value = (text: string): string => text.split(/(\$\{[^}]+\})/).map((part) => {
    const ref = /^\$\{([a-z_]+)\.([^.}]+)\.([a-z_]+)\}$/.exec(part);
    if (!ref) {
      if (part.startsWith("${")) throw new Error(`compose: cannot express ${part}`);
      return part.replace(/\$/g, "$$$$");
    }
    const [, type, id, attr] = ref;
    const target = of(type)[id];
    if (!target) throw new Error(`compose: ${part} refers to nothing in the stack`);
    if (type === "random_password" && attr === "result") return `\${${secretVariable(id)}}`;
    if (type === "docker_image" && attr === "image_id") return target.name;
    if ((type === "docker_network" || type === "docker_volume") && attr === "name") return short(target.name);
    throw new Error(`compose: cannot express ${part}`);
  }).join("");

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

  const files = new Map<string, string>();
  const services: Json = {};
  const summary: { container: string; healthcheck: boolean; oneShot: boolean }[] = [];
  for (const [id, c] of Object.entries(of("docker_container"))) {
    checkKeys(c, CONTAINER_KEYS, `docker_container.${id}`);
    const name = short(c.name);
    const oneShot = c.must_run === false;
    const s: Json = { container_name: c.name, image: value(c.image) };
    if (c.entrypoint) s.entrypoint = c.entrypoint.map(value);
    if (c.command) s.command = c.command.map(value);
    if (c.env) s.environment = c.env.map(value);
    s.labels = labelMap(c.labels);
    s.restart = oneShot ? "no" : (c.restart ?? "no");
    if (c.stop_signal) s.stop_signal = c.stop_signal;
    if (c.destroy_grace_seconds) s.stop_grace_period = `${c.destroy_grace_seconds}s`;
    s.networks = Object.fromEntries((c.networks_advanced ?? []).map((n: Json) => {
      const network = value(n.name);
      if (!networks[network]) throw new Error(`compose: docker_container.${id} joins ${n.name}, which is not a network of the stack`);
      return [network, n.aliases ? { aliases: n.aliases } : {}];
    }));
    const mounts: string[] = [];
    for (const v of c.volumes ?? []) {
      if (!v.volume_name || !v.container_path || Object.keys(v).length !== 2) throw new Error(`compose: docker_container.${id} has a volume compose cannot express`);
      const volume = value(v.volume_name);
      volumes[volume] ??= { name: v.volume_name, labels: labelMap(c.labels) }; // a kept volume: Docker creates it on first use
      mounts.push(`${volume}:${v.container_path}`);
    }
    for (const u of c.upload ?? []) {
      if (typeof u.content !== "string" || u.content.includes("${")) throw new Error(`compose: docker_container.${id} uploads a file with references`);
      const file = `files/${name}/${u.file.split("/").pop()}`;
      files.set(file, u.content);
      mounts.push(`./${file}:${u.file}:ro`);
    }
    if (mounts.length) s.volumes = mounts;
    if (c.ports) s.ports = c.ports.map((p: Json) => `${p.ip ? `${p.ip}:` : ""}${p.external}:${p.internal}${p.protocol && p.protocol !== "tcp" ? `/${p.protocol}` : ""}`);
    if (c.healthcheck) {
      const h = c.healthcheck;
      s.healthcheck = { test: h.test.map(value), interval: h.interval, timeout: h.timeout, retries: h.retries, start_period: h.start_period };
    }
    if (c.depends_on) {
      // Terraform creates a container after those it depends on, and waits for their healthchecks (wait = true).
      s.depends_on = Object.fromEntries(c.depends_on.map((d: string) => {
        const [type, dep] = d.split(".");
        if (type !== "docker_container") throw new Error(`compose: docker_container.${id} depends on ${d}`);
        return [serviceOf(dep), { condition: of("docker_container")[dep].wait ? "service_healthy" : "service_started" }];
      }));
    }
    services[name] = s;
    summary.push({ container: c.name, healthcheck: c.healthcheck !== undefined, oneShot });
  }
  return { compose: { services, networks, volumes }, files, secrets, services: summary };
}

/** `app_database_password_6C142978` → `APP_DATABASE_PASSWORD`. */
export function secretVariable(resourceId: string): string {
  return resourceId.replace(/_[0-9A-F]{8}$/, "").replace(/[^A-Za-z0-9]+/g, "_").toUpperCase();
}

function labelMap(labels: readonly Json[] | undefined): Record<string, string> {
  return Object.fromEntries((labels ?? []).map((l) => [l.label, l.value]));
}

function checkKeys(resource: Json, allowed: ReadonlySet<string>, what: string): void {
  const unknown = Object.keys(resource).filter((k) => !allowed.has(k));
  if (unknown.length) throw new Error(`compose: ${what} sets ${unknown.join(", ")}, which the compose generator does not translate`);
}
