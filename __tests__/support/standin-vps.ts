import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { delimiter, dirname, join } from "node:path";
import execa from "execa";
import { imageRuntime, localImages } from "../../images/catalog";

/*
 * A stand-in VPS on this machine: a container (images/standin-vps) running its own Docker Engine and a
 * key-only sshd for `deploy`, with ssh and the requested ports published on 127.0.0.1 only. A deploy
 * reaches it exactly as it reaches a rented server: `host.url: vps.url` (ssh://deploy@127.0.0.1:<port>),
 * an ssh agent holding the key (`vps.env`), and the host key pinned in the known_hosts file of the user
 * running the tests (the docker provider runs the system `ssh` with BatchMode and takes no options).
 *
 *   const vps = await startStandinVps("demo", { publish: [80] });
 *   await vps.loadImages([localImages.proxy]);           // docker save | docker -H ssh://… load
 *   await vps.docker(["run", "-d", "-p", "80:80", …]);   // docker -H ssh://… run …
 *   fetch(`http://127.0.0.1:${vps.ports[80]}/`);
 *   await vps.stop();                                    // container, volume, agent, known_hosts line
 *
 * Needs a Docker Engine that may run the container with SYS_ADMIN/NET_ADMIN/SYS_PTRACE, seccomp and AppArmor
 * unconfined and the host's cgroups (imageRuntime.standinVps.runFlags; --privileged is not needed).
 */

export interface StandinVpsOptions {
  /** Container ports of the VPS to publish on 127.0.0.1 (each on a free port Docker picks), e.g. [80]. */
  publish?: number[];
  /** Bound on the start: container up, dockerd answering, ssh and `docker -H ssh://…` working. Default 120s. */
  startTimeoutMs?: number;
  /**
   * A private network among stand-ins (a Docker network the test made) and this one's address on it, as
   * a Hetzner server has on its environment's network. Default: the engine's default bridge.
   */
  network?: { name: string; ip: string };
  /** Let in the key of that stand-in's agent, so one agent reaches several (as one deploy key reaches all of an environment's servers). */
  agentOf?: StandinVps;
}

export interface StandinVps {
  readonly name: string;
  /** The outer container (on the local engine) and the volume holding the VPS's /var/lib/docker. */
  readonly container: string;
  readonly volume: string;
  /** `ssh://deploy@127.0.0.1:<sshPort>`: the `host.url` of an environment deploying to it. */
  readonly url: string;
  readonly sshPort: number;
  /** Published container port → its port on 127.0.0.1. */
  readonly ports: Readonly<Record<number, number>>;
  /** What a deploy needs in its environment: SSH_AUTH_SOCK of the agent holding the only key deploy accepts. */
  readonly env: { readonly SSH_AUTH_SOCK: string };
  /** That key's public half (what deploy's authorized_keys holds). */
  readonly publicKey: string;
  /** The pinned host key (`ssh-ed25519 AAAA…`) and the known_hosts file it was written to. */
  readonly hostKey: string;
  readonly knownHostsFile: string;
  /** `docker -H <url> …args` through the agent; resolves to stdout, rejects with the command and its stderr. */
  docker(args: string[], options?: { input?: string; timeoutMs?: number }): Promise<string>;
  /** Moves images from the local engine into the VPS's, as a user would: `docker save … | docker -H <url> load`. */
  loadImages(tags: string[], options?: { timeoutMs?: number }): Promise<void>;
  /** Removes the container (and the VPS's containers first), its volume, the agent with the key, the known_hosts line. */
  stop(): Promise<void>;
}

const IMAGE = localImages.standinVps;
const RUNTIME = imageRuntime.standinVps;
const HOST = "127.0.0.1";
/** Every stand-in's outer container carries this label (value: its name). */
export const STANDIN_LABEL = "io.portable-backend.standin-vps";
const ROOT = join(__dirname, "..", "..");
const REQUIRED_TOOLS = ["docker", "ssh", "ssh-agent", "ssh-add", "ssh-keygen"] as const;

export const standinContainerName = (name: string) => `standin-vps-${name}`;
export const standinVolumeName = (name: string) => `standin-vps-${name}-docker`;

/** The tools the harness runs that are not on PATH. */
export function standinVpsMissingTools(): string[] {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  return REQUIRED_TOOLS.filter((tool) => !dirs.some((dir) => existsSync(join(dir, tool))));
}

/**
 * Why a stand-in cannot run here (missing tools), or undefined when it can. In CI (`CI=true`) a missing
 * tool throws instead: a test there must fail, never skip.
 */
export function standinVpsUnavailable(): string | undefined {
  const missing = standinVpsMissingTools();
  if (missing.length === 0) return undefined;
  const reason = `the stand-in VPS needs ${missing.join(", ")} on PATH (Debian: apt-get install docker.io openssh-client)`;
  if (process.env.CI === "true") throw new Error(`${reason}; CI=true, so this fails instead of skipping`);
  return reason;
}

/** Starts the stand-in VPS `name` (lower-case letters, digits, dashes), replacing one left by an earlier run. */
export async function startStandinVps(name: string, opts: StandinVpsOptions = {}): Promise<StandinVps> {
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(name)) throw new Error(`stand-in VPS name "${name}": use 1-40 of a-z, 0-9, -`);
  const unavailable = standinVpsUnavailable();
  if (unavailable) throw new Error(unavailable);
  requireEngine();
  const publish = [...new Set(opts.publish ?? [])];
  for (const p of publish) {
    if (!Number.isInteger(p) || p < 1 || p > 65535 || p === RUNTIME.port) throw new Error(`publish: ${p} is not a port to publish (22 is always published)`);
  }
  const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
  const container = standinContainerName(name);
  const volume = standinVolumeName(name);
  const knownHostsFile = userKnownHostsFile();

  await removeLeftovers(name, knownHostsFile);
  await ensureImage();

  // The agent and the key: a fresh ed25519 key, only in this temp dir until the agent holds it.
  const stateDir = mkdtempSync(join(tmpdir(), `standin-vps-${name}-`));
  const sock = join(stateDir, "agent.sock");
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(stateDir, { recursive: true, force: true })];
  const fail = async (error: unknown): Promise<never> => {
    for (const undo of cleanups.reverse()) await Promise.resolve().then(undo).catch(() => undefined);
    throw error;
  };
  let publicKey: string;
  try {
    publicKey = opts.agentOf ? opts.agentOf.publicKey : await startAgent(name, stateDir, sock, cleanups);
  } catch (error) {
    return fail(new Error(`stand-in VPS ${name}: could not set up the ssh agent and key: ${message(error)}`));
  }
  const env = opts.agentOf ? opts.agentOf.env : { SSH_AUTH_SOCK: sock };

  // The VPS. Docker picks free ports on 127.0.0.1; nothing is published on another address.
  try {
    await docker(["volume", "create", "--label", `${STANDIN_LABEL}=${name}`, volume]);
    cleanups.push(() => docker(["volume", "rm", "-f", volume]).then(() => undefined));
    await docker([
      "run", "-d", "--name", container, "--hostname", container,
      "--label", `${STANDIN_LABEL}=${name}`,
      ...RUNTIME.runFlags,
      // the engine forwards between its bridges; set in the VPS's own network namespace
      "--sysctl", "net.ipv4.ip_forward=1",
      ...(opts.network ? ["--network", opts.network.name, "--ip", opts.network.ip] : []),
      "-v", `${volume}:${RUNTIME.dataDir}`,
      "-e", `AUTHORIZED_KEY=${publicKey}`,
      "-p", `${HOST}::${RUNTIME.port}`,
      ...publish.flatMap((p) => ["-p", `${HOST}::${p}`]),
      IMAGE,
    ]);
    cleanups.push(() => docker(["rm", "-f", "-v", container]).then(() => undefined));
  } catch (error) {
    return fail(new Error(`stand-in VPS ${name}: docker run failed: ${message(error)}`));
  }

  let sshPort: number;
  let ports: Record<number, number>;
  let hostKey: string;
  let url: string;
  try {
    sshPort = await publishedPort(container, RUNTIME.port);
    ports = Object.fromEntries(await Promise.all(publish.map(async (p) => [p, await publishedPort(container, p)] as const)));
    url = `ssh://${RUNTIME.sshUser}@${HOST}:${sshPort}`;

    // Pin the host key: read from the container (not from the network), written before ssh connects.
    hostKey = await waitFor(`the host key ${RUNTIME.hostKey}`, deadline, container, async () => {
      const r = await execa("docker", ["exec", container, "cat", RUNTIME.hostKey], { reject: false, timeout: 10_000 });
      return r.exitCode === 0 && /^ssh-ed25519 \S+/.test(r.stdout) ? r.stdout.trim().split(/\s+/).slice(0, 2).join(" ") : undefined;
    });
    const hostPattern = `[${HOST}]:${sshPort}`;
    await forgetHost(knownHostsFile, hostPattern);
    cleanups.push(() => forgetHost(knownHostsFile, hostPattern));
    appendKnownHost(knownHostsFile, `${hostPattern} ${hostKey}`);

    // ssh as the docker provider runs it (BatchMode, agent, known_hosts), then the docker CLI over ssh.
    await waitFor("sshd and the VPS's engine over ssh", deadline, container, async () => {
      const r = await execa("ssh", ["-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-p", String(sshPort), `${RUNTIME.sshUser}@${HOST}`, "docker", "info", "--format", "{{.ServerVersion}}"], {
        env: sshEnv(env), reject: false, timeout: 20_000,
      });
      if (r.exitCode === 0) return r.stdout.trim();
      // a host key mismatch or a refused key does not go away by waiting
      if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|Permission denied/.test(r.stderr)) {
        throw new Error(`ssh to ${url} failed: ${r.stderr.trim()}`);
      }
      return undefined;
    });
    await waitFor(`docker -H ${url}`, deadline, container, async () => {
      const r = await execa("docker", ["-H", url, "version", "--format", "{{.Server.Version}}"], { env: sshEnv(env), reject: false, timeout: 30_000 });
      return r.exitCode === 0 ? r.stdout.trim() : undefined;
    });
  } catch (error) {
    return fail(new Error(`stand-in VPS ${name} did not come up: ${message(error)}\n${await diagnostics(container)}`));
  }

  let stopped = false;
  const vps: StandinVps = {
    name, container, volume, url, sshPort, ports, env, publicKey, hostKey, knownHostsFile,

    async docker(args, options = {}) {
      const r = await execa("docker", ["-H", url, ...args], {
        env: sshEnv(env), reject: false, input: options.input, timeout: options.timeoutMs ?? 300_000,
      });
      if (r.exitCode !== 0 || r.timedOut) {
        throw new Error(`docker -H ${url} ${args.join(" ")} failed (${r.timedOut ? "timed out" : `exit ${r.exitCode}`}): ${r.stderr.trim()}`);
      }
      return r.stdout.trim();
    },

    async loadImages(tags, options = {}) {
      if (tags.length === 0) return;
      const timeout = options.timeoutMs ?? 600_000;
      const save = execa("docker", ["save", ...tags], { buffer: false, timeout });
      let saveErr = "";
      save.stderr?.on("data", (chunk: Buffer) => (saveErr += chunk.toString()));
      const load = execa("docker", ["-H", url, "load"], { env: sshEnv(env), input: save.stdout!, reject: false, timeout });
      // a load that fails early would leave save blocked on a full pipe
      void load.then((r) => r.exitCode !== 0 && save.kill());
      const [saved, loaded] = await Promise.all([save.then((r) => r, (e: execa.ExecaError) => e), load]);
      if (saved.exitCode !== 0 || loaded.exitCode !== 0) {
        throw new Error(
          `loading ${tags.join(", ")} into ${url} failed: docker save exit ${saved.exitCode}${saveErr ? ` (${saveErr.trim()})` : ""}, ` +
            `docker load exit ${loaded.exitCode}${loaded.stderr ? ` (${loaded.stderr.trim()})` : ""}`,
        );
      }
      const there = await vps.docker(["image", "inspect", "--format", "{{index .RepoTags 0}}", ...tags]);
      if (there.split("\n").length !== tags.length) throw new Error(`after docker load, ${url} holds only: ${there}`);
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      const errors: string[] = [];
      // The VPS's own containers first, so its runc removes their cgroups (the host's, with --cgroupns host).
      await removeInnerContainers(container).catch((e) => errors.push(`removing the VPS's containers: ${message(e)}`));
      for (const undo of cleanups.reverse()) {
        await Promise.resolve().then(undo).catch((e) => errors.push(message(e)));
      }
      if (errors.length) throw new Error(`stopping stand-in VPS ${name}:\n  ${errors.join("\n  ")}`);
    },
  };
  return vps;
}

// ---- the local engine and the image

async function docker(args: string[], timeout = 120_000): Promise<string> {
  const r = await execa("docker", args, { reject: false, timeout });
  if (r.exitCode !== 0 || r.timedOut) throw new Error(`docker ${args.join(" ")} failed: ${r.stderr.trim() || (r.timedOut ? "timed out" : `exit ${r.exitCode}`)}`);
  return r.stdout.trim();
}

function requireEngine(): void {
  const info = execa.sync("docker", ["info", "--format", "{{.ServerVersion}}"], { reject: false, timeout: 30_000 });
  if (info.exitCode !== 0) throw new Error(`No Docker Engine answers (run scripts/docker-engine.sh): ${info.stderr}`);
}

/** The image, built by the project's image builder when this engine does not have it. */
async function ensureImage(): Promise<void> {
  const present = await execa("docker", ["image", "inspect", "--format", "{{.Id}}", IMAGE], { reject: false });
  if (present.exitCode === 0) return;
  const build = await execa("npx", ["tsx", "scripts/images.ts", "standinVps"], { cwd: ROOT, reject: false, all: true, timeout: 1_800_000 });
  if (build.exitCode !== 0) throw new Error(`${IMAGE} is missing and \`npx tsx scripts/images.ts standinVps\` failed:\n${build.all}`);
}

async function publishedPort(container: string, port: number): Promise<number> {
  const out = await docker(["port", container, `${port}/tcp`]);
  const match = new RegExp(`^${HOST.replace(/\./g, "\\.")}:(\\d+)$`, "m").exec(out);
  if (!match) throw new Error(`${container}: port ${port} is not published on ${HOST} (docker port says: ${out || "nothing"})`);
  return Number(match[1]);
}

/** Polls `probe` until it returns a value; stops early when the container is no longer running. */
async function waitFor<T>(what: string, deadline: number, container: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    const state = await execa("docker", ["inspect", "--format", "{{.State.Status}}", container], { reject: false });
    if (state.stdout.trim() !== "running") throw new Error(`waiting for ${what}: the container is ${state.stdout.trim() || "gone"}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The container's log and the end of its dockerd log, for errors. */
async function diagnostics(container: string): Promise<string> {
  const logs = await execa("docker", ["logs", "--tail", "30", container], { reject: false, all: true, timeout: 10_000 });
  const dockerd = await execa("docker", ["exec", container, "tail", "-n", "20", RUNTIME.dockerdLog], { reject: false, all: true, timeout: 10_000 });
  return `--- docker logs ${container}:\n${logs.all ?? ""}\n--- ${RUNTIME.dockerdLog}:\n${dockerd.all ?? ""}`;
}

async function removeInnerContainers(container: string): Promise<void> {
  const running = await execa("docker", ["inspect", "--format", "{{.State.Running}}", container], { reject: false });
  if (running.stdout.trim() !== "true") return;
  const r = await execa("docker", ["exec", container, "sh", "-c", 'ids=$(docker ps -aq); [ -z "$ids" ] || docker rm -f -v $ids >/dev/null'], {
    reject: false, timeout: 60_000,
  });
  if (r.exitCode !== 0) throw new Error(r.stderr.trim() || `exit ${r.exitCode}`);
}

/** Removes what an earlier run left of the stand-in `name` (before removing a network it was on, say). */
export async function removeStandinLeftovers(name: string): Promise<void> {
  await removeLeftovers(name, userKnownHostsFile());
}

/**
 * What an earlier run with this name left: its VPS (and the VPS's containers), volume and known_hosts
 * line, and its agents (found by their temp dirs).
 */
async function removeLeftovers(name: string, knownHostsFile: string): Promise<void> {
  const container = standinContainerName(name);
  const exists = await execa("docker", ["inspect", "--format", "{{.Id}}", container], { reject: false });
  if (exists.exitCode === 0) {
    const port = await publishedPort(container, RUNTIME.port).catch(() => undefined);
    if (port) await forgetHost(knownHostsFile, `[${HOST}]:${port}`);
    await removeInnerContainers(container).catch(() => undefined);
    await docker(["rm", "-f", "-v", container]);
  }
  const volume = standinVolumeName(name);
  if ((await execa("docker", ["volume", "inspect", volume], { reject: false })).exitCode === 0) await docker(["volume", "rm", "-f", volume]);
  const prefix = `standin-vps-${name}-`;
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(prefix) || !/^[A-Za-z0-9]{6}$/.test(entry.slice(prefix.length))) continue;
    const dir = join(tmpdir(), entry);
    const pidFile = join(dir, "agent.pid");
    if (existsSync(pidFile)) killAgent(Number(readFileSync(pidFile, "utf8").trim()));
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- ssh: agent, known_hosts

/** An ssh agent at `sock` holding a fresh ed25519 key (in `stateDir` only until the agent has it); returns the public key. */
async function startAgent(name: string, stateDir: string, sock: string, cleanups: Array<() => Promise<void> | void>): Promise<string> {
  const agent = await execa("ssh-agent", ["-s", "-a", sock], { timeout: 10_000 });
  const agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(agent.stdout)?.[1]);
  if (!agentPid) throw new Error(`ssh-agent printed no SSH_AGENT_PID: ${agent.stdout}`);
  cleanups.push(() => killAgent(agentPid));
  writeFileSync(join(stateDir, "agent.pid"), `${agentPid}\n`, { mode: 0o600 });
  const keyFile = join(stateDir, "id_ed25519");
  await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `standin-vps-${name}`, "-f", keyFile], { timeout: 10_000 });
  await execa("ssh-add", ["-q", keyFile], { env: { SSH_AUTH_SOCK: sock }, timeout: 10_000 });
  const publicKey = readFileSync(`${keyFile}.pub`, "utf8").trim();
  rmSync(keyFile); // the agent holds it now
  return publicKey;
}

/** This process's environment with the agent's socket, for ssh and the docker CLI's ssh. */
function sshEnv(env: { SSH_AUTH_SOCK: string }): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete out.SSH_AGENT_PID;
  delete out.DOCKER_CONTEXT; // -H and a context conflict
  return out;
}

/** Kills an ssh-agent by pid, only if that pid still is one (a pid may have been reused). */
function killAgent(pid: number): void {
  if (!Number.isInteger(pid) || pid <= 1) return;
  let comm = "";
  try {
    comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return; // gone
  }
  if (comm !== "ssh-agent") return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // exited meanwhile
  }
}

/**
 * The known_hosts file ssh reads for this user: the first UserKnownHostsFile `ssh -G` reports (ssh expands
 * ~ from the password database, not from $HOME), else ~/.ssh/known_hosts of the passwd home.
 */
function userKnownHostsFile(): string {
  const r = execa.sync("ssh", ["-G", "-p", "22", HOST], { reject: false, timeout: 10_000 });
  const line = /^userknownhostsfile\s+(\S+)/m.exec(r.stdout)?.[1];
  if (r.exitCode === 0 && line && line.startsWith("/")) return line;
  return join(userInfo().homedir, ".ssh", "known_hosts");
}

function appendKnownHost(file: string, line: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  appendFileSync(file, `${current && !current.endsWith("\n") ? "\n" : ""}${line}\n`, { mode: 0o600 });
}

/**
 * Removes every key of `hostPattern` (`[127.0.0.1]:2222`) from `file` with `ssh-keygen -R`, which also
 * finds hashed entries. The `.old` copy ssh-keygen leaves is removed when there was none before.
 */
async function forgetHost(file: string, hostPattern: string): Promise<void> {
  if (!existsSync(file)) return;
  const found = await execa("ssh-keygen", ["-F", hostPattern, "-f", file], { reject: false, timeout: 10_000 });
  if (found.exitCode !== 0 || !found.stdout.trim()) return;
  const old = `${file}.old`;
  const hadOld = existsSync(old);
  const r = await execa("ssh-keygen", ["-R", hostPattern, "-f", file], { reject: false, timeout: 10_000 });
  if (!hadOld) rmSync(old, { force: true });
  if (r.exitCode !== 0) throw new Error(`ssh-keygen -R ${hostPattern} -f ${file} failed: ${r.stderr.trim()}`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
