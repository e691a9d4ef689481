import { createServer } from "node:net";
import execa from "execa";
import { ENVIRONMENT_LABEL, ROLE_LABEL } from "../../constructs/docker/names";
import { ComposeServiceSummary } from "./compose";

/** Containers, networks and volumes of a benchmark environment, by the label each carries. */
export async function objectsOf(env: string): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const filter = ["--filter", `label=${ENVIRONMENT_LABEL}=${env}`];
  const list = async (args: string[]) => (await execa("docker", [...args, ...filter])).stdout.split("\n").filter(Boolean);
  return {
    containers: await list(["ps", "-a", "--format", "{{.Names}}"]),
    networks: await list(["network", "ls", "--format", "{{.Name}}"]),
    volumes: await list(["volume", "ls", "--format", "{{.Name}}"]),
  };
}

/** Removes whatever a benchmark environment left behind. Only ever called with the benchmark's own names. */
export async function removeEnvironment(env: string): Promise<string[]> {
  if (!/^bench(-|$)/.test(env)) throw new Error(`refusing to remove ${env}: not a benchmark environment`);
  const left = await objectsOf(env);
  if (left.containers.length) await execa("docker", ["rm", "-f", "-v", ...left.containers], { reject: false });
  if (left.networks.length) await execa("docker", ["network", "rm", ...left.networks], { reject: false });
  if (left.volumes.length) await execa("docker", ["volume", "rm", "-f", ...left.volumes], { reject: false });
  return [...left.containers, ...left.networks, ...left.volumes];
}

/** Fails when an image the environment needs is not on the engine (`npm run images` builds them). */
export async function requireImages(images: readonly string[]): Promise<void> {
  const missing: string[] = [];
  for (const image of images) {
    if ((await execa("docker", ["image", "inspect", image], { reject: false })).exitCode !== 0) missing.push(image);
  }
  if (missing.length) throw new Error(`images missing on the Docker Engine (run \`npm run images\`): ${missing.join(", ")}`);
}

export async function requirePortFree(port: number, host = "127.0.0.1"): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", () => reject(new Error(`port ${host}:${port} is in use; the benchmark environment needs it`)));
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

export interface HealthTarget {
  readonly env: string;
  /**
   * The environment's containers (composeFromStack's summary): long-running ones must be running, and
   * healthy when they have a healthcheck Terraform waits for; one-shot ones must have exited 0. Found by their role label
   * (the app's containers carry their release's id in their names, which only Terraform knows), as many
   * of each role as the stack has; by name when a container has no role.
   */
  readonly services: readonly ComposeServiceSummary[];
  /** The service's health URL through the proxy; must answer 200 with status "ok". */
  readonly url: string;
}

/**
 * Waits until an environment is up: every long-running container running (healthy where it has a
 * healthcheck that Terraform waits for), every one-shot container exited 0, and the app answering healthy through the proxy.
 * The same check for every way of deploying, so "deployed" means the same thing for each. A one-shot
 * container that exited with another code fails at once (Terraform fails the deploy there).
 */
export async function waitHealthy(target: HealthTarget, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    last = await notYetHealthy(target);
    if (!last) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${target.env} not healthy after ${timeoutMs / 1000}s: ${last}`);
}

interface ContainerState { readonly name: string; readonly state: string; readonly status: string; readonly role: string }

/** The environment's containers, with their state, status and role. */
export async function containersOf(env: string): Promise<ContainerState[]> {
  const { stdout } = await execa("docker", ["ps", "-a", "--filter", `label=${ENVIRONMENT_LABEL}=${env}`, "--format", `{{.Names}}\t{{.State}}\t{{.Status}}\t{{.Label "${ROLE_LABEL}"}}`]);
  return stdout.split("\n").filter(Boolean).map((l) => { const [name, state, status, role] = l.split("\t"); return { name, state, status, role }; });
}

async function notYetHealthy(target: HealthTarget): Promise<string> {
  const containers = await containersOf(target.env);
  const groups = new Map<string, ComposeServiceSummary[]>();
  for (const svc of target.services) {
    const key = svc.role ? `role ${svc.role}` : `name ${svc.container}`;
    groups.set(key, [...(groups.get(key) ?? []), svc]);
  }
  for (const [key, svcs] of groups) {
    const mine = containers.filter((c) => (key.startsWith("role ") ? c.role === key.slice(5) : c.name === key.slice(5)));
    const longRunning = svcs.filter((s) => !s.oneShot);
    if (longRunning.length) {
      const up = mine.filter((c) => c.state === "running" && (!longRunning.some((s) => s.healthcheck) || c.status.includes("(healthy)")));
      if (up.length < longRunning.length) return `${key}: ${up.length} of ${longRunning.length} up (${mine.map((c) => `${c.name}: ${c.status}`).join(", ") || "none"})`;
    }
    const oneShot = svcs.filter((s) => s.oneShot);
    if (oneShot.length) {
      const failed = mine.find((c) => c.state === "exited" && !/^Exited \(0\)/.test(c.status));
      if (failed) throw new Error(`${target.env}: the one-shot container ${failed.name} failed: ${failed.status}`);
      const done = mine.filter((c) => c.state === "exited");
      if (done.length < oneShot.length) return `${key}: ${done.length} of ${oneShot.length} done (${mine.map((c) => `${c.name}: ${c.status}`).join(", ") || "none"})`;
    }
  }
  try {
    const response = await fetch(target.url, { signal: AbortSignal.timeout(2000) });
    const body = await response.json().catch(() => undefined) as { status?: string } | undefined;
    if (response.status !== 200 || body?.status !== "ok") return `${target.url} answered ${response.status} ${JSON.stringify(body)}`;
  } catch (err) {
    return `${target.url}: ${(err as Error).message}`;
  }
  return "";
}
