import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { localImages } from "../../images/catalog";
import { STANDIN_LABEL, standinContainerName, standinVolumeName, standinVpsUnavailable, startStandinVps, type StandinVps } from "../support/standin-vps";
import { ROOT } from "./helpers";

// The stand-in VPS harness itself: a Docker host on this machine reached only over ssh, key-only,
// with a pinned host key; the `vps` environment's deploys go to it the way they go to a rented server.
jest.setTimeout(600_000);

const NAME = "harness";
const PROXY = localImages.proxy;
// Outside CI a machine without the ssh tools skips with the reason; in CI this throws (never skips).
const unavailable = standinVpsUnavailable();
const suite = unavailable ? describe.skip : describe;
if (unavailable) console.warn(`standin-vps.test.ts skipped: ${unavailable}`);

const timings: Record<string, string> = {};
async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await work();
  } finally {
    timings[label] = `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  }
}

/** ssh to the stand-in as `user`, with the harness's agent; `options` come before the destination. */
function ssh(vps: StandinVps, user: string, options: string[], command = "true"): execa.ExecaSyncReturnValue {
  return execa.sync("ssh", ["-o", "BatchMode=yes", "-o", "ConnectTimeout=10", ...options, "-p", String(vps.sshPort), `${user}@127.0.0.1`, command], {
    env: { ...process.env, ...vps.env }, reject: false, timeout: 30_000,
  });
}

/** Polls a URL until it answers (any status), with a deadline. */
async function answer(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000}s: ${error}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** An ssh-agent runs as `pid` (a zombie waiting for its reaper does not count). */
function agentAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.includes("(ssh-agent)") && !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

const local = (args: string[]) => execa.sync("docker", args, { reject: false });

suite("stand-in VPS (dockerd + key-only sshd in a container, published on 127.0.0.1)", () => {
  let vps: StandinVps;

  beforeAll(async () => {
    // The image a user would move onto their VPS; built here only when this engine lacks it.
    if (local(["image", "inspect", PROXY]).exitCode !== 0) {
      const build = await execa("npx", ["tsx", "scripts/images.ts", "proxy"], { cwd: ROOT, reject: false, all: true, timeout: 1_200_000 });
      if (build.exitCode !== 0) throw new Error(`building ${PROXY} failed:\n${build.all}`);
    }
    vps = await timed("start", () => startStandinVps(NAME, { publish: [80] }));
  });

  afterAll(async () => {
    await vps?.stop();
    console.log(`stand-in VPS timings: ${JSON.stringify(timings)}`);
  });

  test("it publishes ssh and the requested port on 127.0.0.1 only, and pins its ed25519 host key", () => {
    expect(vps.url).toBe(`ssh://deploy@127.0.0.1:${vps.sshPort}`);
    expect(Object.keys(vps.ports)).toEqual(["80"]);
    const bindings = JSON.parse(local(["inspect", "--format", "{{json .HostConfig.PortBindings}}", vps.container]).stdout);
    expect(bindings).toEqual({
      "22/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }],
      "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }],
    });
    expect(local(["port", vps.container]).stdout.split("\n").sort()).toEqual(
      [`22/tcp -> 127.0.0.1:${vps.sshPort}`, `80/tcp -> 127.0.0.1:${vps.ports[80]}`].sort(),
    );
    expect(vps.hostKey).toMatch(/^ssh-ed25519 AAAA\S+$/);
    expect(readFileSync(vps.knownHostsFile, "utf8").split("\n")).toContain(`[127.0.0.1]:${vps.sshPort} ${vps.hostKey}`);
    // the agent holds exactly one key, the one deploy accepts; no private key is left on disk
    const keys = execa.sync("ssh-add", ["-L"], { env: { ...process.env, ...vps.env } });
    expect(keys.stdout.trim().split("\n")).toHaveLength(1);
    const authorized = local(["exec", vps.container, "cat", "/home/deploy/.ssh/authorized_keys"]).stdout.trim();
    expect(authorized.split(" ").slice(0, 2)).toEqual(keys.stdout.trim().split(" ").slice(0, 2));
    expect(local(["exec", vps.container, "stat", "-c", "%a %U", "/home/deploy/.ssh", "/home/deploy/.ssh/authorized_keys"]).stdout.split("\n")).toEqual(["700 deploy", "600 deploy"]);
  });

  test("ssh as the docker provider runs it (BatchMode, agent, known_hosts only) reaches the VPS's engine as deploy", () => {
    const r = ssh(vps, "deploy", [], "id -un; id -Gn; docker version --format '{{.Server.Version}}'");
    expect(r.stderr).not.toMatch(/Warning: Permanently added/);
    expect(r.exitCode).toBe(0);
    const [user, groups, version] = r.stdout.split("\n");
    expect(user).toBe("deploy");
    expect(groups.split(" ")).toContain("docker");
    expect(version).toMatch(/^\d+\.\d+/);
  });

  test("an image moves in over ssh and a container on user-defined and internal networks serves on 127.0.0.1", async () => {
    await timed("loadImages(proxy)", () => vps.loadImages([PROXY]));
    expect(await vps.docker(["image", "inspect", "--format", "{{.Id}}", PROXY])).toBe(local(["image", "inspect", "--format", "{{.Id}}", PROXY]).stdout.trim());

    await vps.docker(["network", "create", "edge"]);
    await vps.docker(["network", "create", "--internal", "backend"]);
    expect(await vps.docker(["network", "inspect", "--format", "{{.Internal}}", "backend"])).toBe("true");
    await vps.docker(["run", "-d", "--name", "web", "--network", "edge", "-p", "0.0.0.0:80:80", PROXY]);
    await vps.docker(["network", "connect", "backend", "web"]);

    // from the test, through the stand-in's published port, to the container's published port inside it
    const response = await answer(`http://127.0.0.1:${vps.ports[80]}/`, 30_000);
    expect(response).toEqual({ status: 503, body: "portable-backend proxy: no Caddyfile configured" });

    // docker exec works inside (health checks and `npm run backup` use it)
    expect(await vps.docker(["exec", "web", "/usr/bin/caddy", "version"])).toMatch(/^v2\./);

    // a container only on the internal network reaches the proxy by name there, and has no gateway out
    const probe = await vps.docker([
      "run", "--name", "probe", "--network", "backend", "--entrypoint", "/usr/bin/httpcheck", PROXY, "-status", "503", "http://web:80/",
    ]);
    expect(probe).toBe("");
    expect(await vps.docker(["inspect", "--format", "{{.NetworkSettings.Networks.backend.Gateway}}", "probe"])).toBe("");
    await vps.docker(["rm", "probe"]);

    // the VPS's engine set up its own packet filter: a published port, and drop rules for the internal bridge
    const backendId = (await vps.docker(["network", "inspect", "--format", "{{.Id}}", "backend"])).slice(0, 12);
    const rules = local(["exec", vps.container, "iptables", "-S"]).stdout;
    expect(rules).toMatch(/-A DOCKER -d \S+ ! -i br-\w+ -o br-\w+ -p tcp -m tcp --dport 80 -j ACCEPT/);
    expect(rules).toContain(`-i br-${backendId} -j DROP`);
  });

  test("only deploy logs in, only with a key: password and keyboard-interactive are not offered, root is refused", () => {
    const password = ssh(vps, "deploy", ["-v", "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no"]);
    expect(password.exitCode).toBe(255);
    expect(password.stderr).toMatch(/Authentications that can continue: publickey\r?\n/);
    expect(password.stderr).toContain("Permission denied (publickey)");

    // root with the very key deploy accepts: refused by the server's configuration, not by a missing key
    expect(local(["exec", vps.container, "sh", "-c", "install -d -m 700 /root/.ssh && cp /home/deploy/.ssh/authorized_keys /root/.ssh/"]).exitCode).toBe(0);
    const root = ssh(vps, "root", []);
    expect(root.exitCode).toBe(255);
    expect(root.stderr).toContain("Permission denied (publickey)");

    const config = local(["exec", vps.container, "sshd", "-T"]).stdout;
    for (const line of ["passwordauthentication no", "kbdinteractiveauthentication no", "permitrootlogin no", "allowusers deploy", "authenticationmethods publickey", "permitemptypasswords no"]) {
      expect(config.split("\n")).toContain(line);
    }
  });

  test("an unknown or a different host key is refused, not trusted on first use", () => {
    const dir = mkdtempSync(join(tmpdir(), "standin-known-hosts-"));
    try {
      const empty = join(dir, "empty");
      writeFileSync(empty, "");
      const unknown = ssh(vps, "deploy", ["-o", `UserKnownHostsFile=${empty}`, "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes"]);
      expect(unknown.exitCode).toBe(255);
      expect(unknown.stderr).toContain("Host key verification failed.");
      expect(readFileSync(empty, "utf8")).toBe("");

      execa.sync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "other")]);
      const other = readFileSync(join(dir, "other.pub"), "utf8").split(" ").slice(0, 2).join(" ");
      const wrong = join(dir, "wrong");
      writeFileSync(wrong, `[127.0.0.1]:${vps.sshPort} ${other}\n`);
      const changed = ssh(vps, "deploy", ["-o", `UserKnownHostsFile=${wrong}`, "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes"]);
      expect(changed.exitCode).toBe(255);
      expect(changed.stderr).toContain("REMOTE HOST IDENTIFICATION HAS CHANGED");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("stop leaves nothing: container, volume, agent, known_hosts line, the VPS's containers' cgroups", async () => {
    const inner = (await vps.docker(["ps", "-aq", "--no-trunc"])).split("\n").filter(Boolean);
    expect(inner).toHaveLength(1);
    const agentPid = Number(readFileSync(join(vps.env.SSH_AUTH_SOCK, "..", "agent.pid"), "utf8"));
    const line = `[127.0.0.1]:${vps.sshPort} ${vps.hostKey}`;

    await timed("stop", () => vps.stop());

    expect(local(["ps", "-aq", "--filter", `label=${STANDIN_LABEL}=${NAME}`]).stdout).toBe("");
    expect(local(["inspect", standinContainerName(NAME)]).exitCode).not.toBe(0);
    expect(local(["volume", "inspect", standinVolumeName(NAME)]).exitCode).not.toBe(0);
    expect(existsSync(vps.env.SSH_AUTH_SOCK)).toBe(false);
    expect(existsSync(join(vps.env.SSH_AUTH_SOCK, ".."))).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(agentAlive(agentPid)).toBe(false);
    if (existsSync(vps.knownHostsFile)) {
      expect(readFileSync(vps.knownHostsFile, "utf8").split("\n")).not.toContain(line);
      expect(execa.sync("ssh-keygen", ["-F", `[127.0.0.1]:${vps.sshPort}`, "-f", vps.knownHostsFile], { reject: false }).stdout).toBe("");
    }
    // with --cgroupns host the VPS's containers had cgroups on this machine; its runc removed them
    const cgroups = execa.sync("sh", ["-c", `ls -d /sys/fs/cgroup/*/docker/${inner[0]} /sys/fs/cgroup/docker/${inner[0]} 2>/dev/null || true`]).stdout;
    expect(cgroups).toBe("");
  });
});
