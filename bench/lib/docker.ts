import { createServer } from "node:net";
import execa from "execa";
import { ENVIRONMENT_LABEL } from "../../constructs/docker/names";

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
  /** Containers that must be running, and healthy when they have a healthcheck. */
  readonly services: readonly { readonly container: string; readonly healthcheck: boolean; readonly oneShot: boolean }[];
  /** The service's health URL through the proxy; must answer 200 with status "ok". */
  readonly url: string;
}

/**
 * Waits until an environment is up: every long-running container running (healthy where it has a
 * healthcheck) and the app answering healthy through the proxy. The same check for every way of
 * deploying, so "deployed" means the same thing for each.
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

async function notYetHealthy(target: HealthTarget): Promise<string> {
  const { stdout } = await execa("docker", ["ps", "-a", "--filter", `label=${ENVIRONMENT_LABEL}=${target.env}`, "--format", "{{.Names}}\t{{.State}}\t{{.Status}}"]);
  const state = new Map(stdout.split("\n").filter(Boolean).map((l) => { const [name, s, status] = l.split("\t"); return [name, { s, status }]; }));
  for (const svc of target.services.filter((s) => !s.oneShot)) {
    const c = state.get(svc.container);
    if (!c || c.s !== "running") return `${svc.container} is ${c?.s ?? "missing"}`;
    if (svc.healthcheck && !c.status.includes("(healthy)")) return `${svc.container}: ${c.status}`;
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
