import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { parse } from "yaml";

// The cloud-credentials action's scripts, run as GitHub runs a composite step's (bash -eo pipefail): what
// later steps get in $GITHUB_ENV; an ssh key reaches an agent and only the agent, with the host's key to check.
const ACTION = join(__dirname, "..", "..", ".github", "actions", "cloud-credentials", "action.yml");
const steps = parse(readFileSync(ACTION, "utf8")).runs.steps as { name: string; if?: string; run: string }[];
const step = (name: string) => steps.find((s) => s.name === name)!;
const sshStep = step("ssh identity (Docker hosts over ssh)");
const KNOWN_HOST = "203.0.113.10 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

let work: string;
let sockets: string[] = [];
beforeEach(() => { work = mkdtempSync(join(tmpdir(), "ssh-step-")); });
afterEach(() => {
  for (const sock of sockets) execa.sync("pkill", ["-f", `ssh-agent -a ${sock}`], { reject: false });
  sockets = [];
  rmSync(work, { recursive: true, force: true });
});

function newKey(): string {
  execa.sync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "ci-test", "-f", join(work, "key")]);
  const key = readFileSync(join(work, "key"), "utf8");
  rmSync(join(work, "key"));
  return key;
}

function runStep(inputs: Record<string, string>, script = sshStep.run) {
  const home = join(work, "home");
  const runnerTemp = join(work, "runner-temp");
  for (const dir of [home, runnerTemp]) mkdirSync(dir, { recursive: true });
  const githubEnv = join(work, "github-env");
  sockets.push(join(runnerTemp, "ssh-agent.sock"));
  const result = execa.sync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
    reject: false, extendEnv: false, env: { PATH: process.env.PATH!, HOME: home, RUNNER_TEMP: runnerTemp, GITHUB_ENV: githubEnv, ...inputs },
  });
  return { result, home, githubEnv };
}

/** Every file under `dir`, recursively. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));

test("the step runs only when a key is given", () => {
  expect(sshStep.if).toBe("inputs.ssh-private-key != ''");
});

test("the key goes to an agent whose socket later steps get; the host key to known_hosts; no key file is written", () => {
  const key = newKey();
  const { result, home, githubEnv } = runStep({ SSH_KEY: key, KNOWN_HOSTS: KNOWN_HOST });
  expect(result.exitCode).toBe(0);

  const socket = /^SSH_AUTH_SOCK=(.+)$/m.exec(readFileSync(githubEnv, "utf8"))?.[1];
  expect(socket).toBe(join(work, "runner-temp", "ssh-agent.sock"));
  const listed = execa.sync("ssh-add", ["-l"], { env: { SSH_AUTH_SOCK: socket! }, reject: false });
  expect({ code: listed.exitCode, out: listed.stdout }).toEqual({ code: 0, out: expect.stringContaining("ci-test (ED25519)") });

  expect(readFileSync(join(home, ".ssh", "known_hosts"), "utf8")).toBe(`${KNOWN_HOST}\n`);
  expect(statSync(join(home, ".ssh")).mode & 0o777).toBe(0o700);
  const secret = key.split("\n")[1];
  for (const file of [...filesUnder(home), githubEnv]) expect(readFileSync(file, "utf8")).not.toContain(secret);
});

test("a key without the host's known_hosts line is refused: ssh would otherwise trust whatever answers", () => {
  const { result, githubEnv } = runStep({ SSH_KEY: newKey(), KNOWN_HOSTS: "" });
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toContain("::error::ssh-known-hosts is required with ssh-private-key (except for a hetzner stack)");
  expect(existsSync(githubEnv)).toBe(false);
});

test("a Hetzner stack needs no known_hosts line (the deploy pins the keys the machines' stack made): the key goes to the agent", () => {
  const { result, githubEnv } = runStep({ SSH_KEY: newKey(), KNOWN_HOSTS: "", PROVIDER: "hetzner" });
  expect(result.exitCode).toBe(0);
  expect(readFileSync(githubEnv, "utf8")).toMatch(/^SSH_AUTH_SOCK=/m);
});

describe("Hetzner credentials", () => {
  const run = (inputs: Record<string, string>) => {
    const { result, githubEnv } = runStep(inputs, step("Hetzner credentials").run);
    expect(result.exitCode).toBe(0);
    return existsSync(githubEnv) ? readFileSync(githubEnv, "utf8").trim().split("\n").sort() : [];
  };
  const keys = { HCLOUD_TOKEN: "token", ACCESS_KEY: "bucket-key", SECRET_KEY: "bucket-secret" };

  test("one key pair serves the buckets and the state", () => {
    expect(run({ ...keys, STATE_ACCESS_KEY: "", STATE_SECRET_KEY: "" })).toEqual([
      "AWS_ACCESS_KEY_ID=bucket-key", "AWS_SECRET_ACCESS_KEY=bucket-secret", "HCLOUD_TOKEN=token",
      "TF_VAR_object_storage_access_key=bucket-key", "TF_VAR_object_storage_secret_key=bucket-secret",
    ]);
  });

  test("state keys of their own go to the S3 backend only; the servers' bucket keys never reach the state", () => {
    expect(run({ ...keys, STATE_ACCESS_KEY: "state-key", STATE_SECRET_KEY: "state-secret" })).toEqual([
      "AWS_ACCESS_KEY_ID=state-key", "AWS_SECRET_ACCESS_KEY=state-secret", "HCLOUD_TOKEN=token",
      "TF_VAR_object_storage_access_key=bucket-key", "TF_VAR_object_storage_secret_key=bucket-secret",
    ]);
  });

  test("an empty value stays unset, so the stack is reported not checked", () => {
    expect(run({ HCLOUD_TOKEN: "", ACCESS_KEY: "", SECRET_KEY: "", STATE_ACCESS_KEY: "", STATE_SECRET_KEY: "" })).toEqual([]);
  });
});
