import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DockerEnvironment } from "../../lib/environment";
import { missingCredentials } from "../../scripts/lib/credentials";
import { shippedEnvironment as env } from "../support/shipped-environments";

// A stack whose credentials are missing is "not checked" by plan and drift, never planned against nothing.
const homes: string[] = [];
/** An empty HOME, so what the machine running the tests has in ~/.ssh does not count. */
const newHome = () => { const home = mkdtempSync(join(tmpdir(), "creds-home-")); homes.push(home); return home; };
afterAll(() => homes.forEach((home) => rmSync(home, { recursive: true, force: true })));

describe("credentials each stack needs before terraform can read its state", () => {
  test("hetzner: API token, bucket keys and the S3 state keys, each named by its variable", () => {
    const missing = missingCredentials(env("hetzner-prod"), {});
    expect(missing.join("\n")).toEqual(expect.stringContaining("HCLOUD_TOKEN"));
    for (const name of ["TF_VAR_object_storage_access_key", "TF_VAR_object_storage_secret_key", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
      expect(missing.join("\n")).toContain(name);
    }
    const all = { HCLOUD_TOKEN: "t", TF_VAR_object_storage_access_key: "a", TF_VAR_object_storage_secret_key: "s", AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "s" };
    expect(missingCredentials(env("hetzner-prod"), all)).toEqual([]);
  });

  test("hetzner's containers' stack: no API token, but an ssh identity for its servers' engines (else \"not checked\")", () => {
    const { HCLOUD_TOKEN: _token, ...keys } = { HCLOUD_TOKEN: "t", TF_VAR_object_storage_access_key: "a", TF_VAR_object_storage_secret_key: "s", AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "s" };
    expect(missingCredentials(env("hetzner-prod"), { ...keys, HOME: newHome() }, "apps")).toEqual([
      "an ssh identity for the Docker Engines of hetzner-prod's servers (an agent, a key in ~/.ssh or ~/.ssh/config) (SSH_AUTH_SOCK)",
      "the backups' encryption key (HETZNER_PROD_BACKUP_KEY)",
    ]);
    expect(missingCredentials(env("hetzner-prod"), { ...keys, HOME: newHome(), SSH_AUTH_SOCK: "/run/agent.sock", HETZNER_PROD_BACKUP_KEY: "k" }, "apps")).toEqual([]);
    // the machines' stack has no sidecar: the key is not its need
    expect(missingCredentials(env("hetzner-prod"), { ...keys, HCLOUD_TOKEN: "t" })).toEqual([]);
  });

  test("gcp: any one of the google credential variables will do", () => {
    expect(missingCredentials(env("gcp-prod"), { GOOGLE_APPLICATION_CREDENTIALS: "/tmp/creds.json" })).toEqual([]);
    expect(missingCredentials(env("gcp-prod"), { GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.x" })).toEqual([]);
  });

  test("docker over ssh with Hetzner DNS, S3 state and off-site backups needs an ssh identity, the DNS token, the state keys and the backups' keys", () => {
    const missing = missingCredentials(env("vps"), { HOME: newHome(), HCLOUD_TOKEN: "t" });
    expect(missing).toEqual([
      expect.stringContaining("an ssh identity for the Docker Engine at ssh://deploy@203.0.113.10"),
      expect.stringContaining("AWS_ACCESS_KEY_ID"),
      expect.stringContaining("AWS_SECRET_ACCESS_KEY"),
      "the backups' encryption key (VPS_BACKUP_KEY)",
      "the off-site store's access key (VPS_OFFSITE_ACCESS_KEY_ID)",
      "the off-site store's secret key (VPS_OFFSITE_SECRET_ACCESS_KEY)",
    ]);
    expect(missing[0]).toContain("SSH_AUTH_SOCK");
  });

  test("an ssh agent, a default key or an ssh config satisfies the ssh need", () => {
    const state = { HCLOUD_TOKEN: "t", AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "s", VPS_BACKUP_KEY: "k", VPS_OFFSITE_ACCESS_KEY_ID: "i", VPS_OFFSITE_SECRET_ACCESS_KEY: "s" };
    expect(missingCredentials(env("vps"), { ...state, HOME: newHome(), SSH_AUTH_SOCK: "/run/agent.sock" })).toEqual([]);
    for (const file of ["id_ed25519", "config"]) {
      const home = newHome();
      mkdirSync(join(home, ".ssh"));
      writeFileSync(join(home, ".ssh", file), "");
      expect(missingCredentials(env("vps"), { ...state, HOME: home })).toEqual([]);
    }
  });

  test("local docker needs the engine's socket, nothing else", () => {
    const socket = env("local") as DockerEnvironment;
    expect(missingCredentials({ ...socket, host: { ...socket.host, url: "unix:///nonexistent/docker.sock" } }, {}))
      .toEqual(["a Docker Engine at unix:///nonexistent/docker.sock"]);
  });
});
