import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { PINNED_PROVIDERS } from "../../lib/providers";
import { terraform, terraformOk } from "./helpers";

// The project's own `portable_ssh_host_key` (providers/internal/portable/ssh_host_key.go), applied by the
// real engine with the provider `npm run providers` built: a host key made by Terraform, whose private
// key OpenSSH reads back to the public key Terraform outputs, and which no plan or show prints.
jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), "ssh-host-key-"));

function writeConfig(resource: Record<string, unknown>): void {
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify({
    terraform: { required_providers: { portable: { source: PINNED_PROVIDERS.portable.source, version: PINNED_PROVIDERS.portable.version } } },
    resource: { portable_ssh_host_key: { web: resource } },
    output: {
      public_key: { value: "${portable_ssh_host_key.web.public_key}" },
      fingerprint: { value: "${portable_ssh_host_key.web.fingerprint_sha256}" },
      id: { value: "${portable_ssh_host_key.web.id}" },
      private_key: { value: "${portable_ssh_host_key.web.private_key_openssh}", sensitive: true },
    },
  }, null, 2));
}

const plan = (args: string[] = []) => terraform(["plan", "-detailed-exitcode", "-input=false", "-no-color", ...args], dir);
const apply = () => terraformOk(["apply", "-auto-approve", "-input=false", "-no-color"], dir);

type Outputs = { public_key: string; fingerprint: string; id: string; private_key: string };
function outputs(): Outputs {
  const json = JSON.parse(terraformOk(["output", "-json"], dir).stdout) as Record<string, { value: string; sensitive: boolean }>;
  expect(json.private_key.sensitive).toBe(true);
  expect(json.public_key.sensitive).toBe(false);
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, v.value])) as Outputs;
}

/** ssh-keygen, which CI must have (the test fails there without it); elsewhere its checks are skipped. */
function sshKeygen(): string | undefined {
  const found = execa.sync("sh", ["-c", "command -v ssh-keygen"], { reject: false });
  if (found.exitCode === 0) return found.stdout.trim();
  if (process.env.CI === "true") throw new Error("ssh-keygen is not installed, and CI=true: install openssh-client");
  console.warn("ssh-keygen is not installed: its checks are skipped");
  return undefined;
}

/** What OpenSSH derives from the private key: `ssh-keygen -y` (public key) and `-l` (fingerprint). */
function openssh(privateKey: string): { publicKey: string; fingerprint: string } | undefined {
  const keygen = sshKeygen();
  if (!keygen) return undefined;
  const file = join(dir, "ssh_host_ed25519_key");
  writeFileSync(file, privateKey, { mode: 0o600 });
  try {
    return {
      publicKey: execa.sync(keygen, ["-y", "-f", file]).stdout.trim(),
      fingerprint: execa.sync(keygen, ["-l", "-E", "sha256", "-f", file]).stdout.split(/\s+/)[1],
    };
  } finally {
    rmSync(file, { force: true });
  }
}

/** Fails if `text` holds any part of the private key: its armour or any line of its base64 body. */
function expectNoPrivateKey(text: string, privateKey: string, what: string): void {
  const body = privateKey.split("\n").filter((line) => line && !line.startsWith("-----"));
  expect(body.length).toBeGreaterThan(2);
  for (const leak of ["OPENSSH PRIVATE KEY", ...body]) {
    if (text.includes(leak)) throw new Error(`${what} prints the private key (${JSON.stringify(leak)}):\n${text}`);
  }
}

beforeAll(() => {
  writeConfig({ comment: "web-1 host key" });
  terraformOk(["init", "-input=false", "-no-color"], dir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

let first: Outputs;

test("apply makes an ed25519 key whose private key OpenSSH reads back to the public key; a second plan is empty", () => {
  const planned = plan();
  expect(planned.exitCode).toBe(2);
  expect(planned.stdout).toMatch(/portable_ssh_host_key\.web will be created[\s\S]*private_key_openssh\s+= \(sensitive value\)/);
  const applied = apply();

  first = outputs();
  expect(first.private_key).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END OPENSSH PRIVATE KEY-----\n$/);
  expect(first.public_key).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+={0,2} web-1 host key$/);
  expect(first.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  expect(first.id).toBe(first.fingerprint);
  expectNoPrivateKey(planned.stdout + planned.stderr, first.private_key, "terraform plan");
  expectNoPrivateKey(applied.stdout + applied.stderr, first.private_key, "terraform apply");

  const derived = openssh(first.private_key);
  if (derived) {
    // OpenSSH 8.9 and later print the key file's comment with -y; older ones the key alone.
    expect([first.public_key, first.public_key.split(" ").slice(0, 2).join(" ")]).toContain(derived.publicKey);
    expect(derived.fingerprint).toBe(first.fingerprint);
  }

  const again = plan();
  expect({ code: again.exitCode, stdout: again.stdout }).toEqual({ code: 0, stdout: expect.stringContaining("No changes.") });
  expectNoPrivateKey(again.stdout + again.stderr, first.private_key, "the second terraform plan");
});

test("terraform show and a refresh-only plan never print the private key, and keep the key", () => {
  const shown = terraformOk(["show", "-no-color"], dir);
  expect(shown.stdout).toMatch(/private_key_openssh\s+= \(sensitive value\)/);
  expect(shown.stdout).toContain(first.public_key);
  expectNoPrivateKey(shown.stdout + shown.stderr, first.private_key, "terraform show");
  const refresh = plan(["-refresh-only"]);
  expect(refresh.exitCode).toBe(0);
  expectNoPrivateKey(refresh.stdout + refresh.stderr, first.private_key, "terraform plan -refresh-only");
  expect(outputs()).toEqual(first);
});

test("a new comment replaces the key with a different one; a multi-line comment is refused at plan time", () => {
  writeConfig({ comment: "web-2" });
  const replacing = plan();
  expect(replacing.exitCode).toBe(2);
  expect(replacing.stdout).toMatch(/portable_ssh_host_key\.web must be replaced[\s\S]*comment\s+= "web-1 host key" -> "web-2" # forces replacement/);
  expectNoPrivateKey(replacing.stdout + replacing.stderr, first.private_key, "the replacing plan");
  apply();
  const second = outputs();
  expect(second.private_key).not.toBe(first.private_key);
  expect(second.fingerprint).not.toBe(first.fingerprint);
  expect(second.public_key).toMatch(/^ssh-ed25519 \S+ web-2$/);
  expect(plan().exitCode).toBe(0);

  writeConfig({ comment: "web-3\nextra" });
  const refused = plan();
  expect(refused.exitCode).toBe(1);
  expect(refused.stderr.replace(/\s+/g, " ")).toContain("must be a single line");
});

test("destroy forgets the key", () => {
  writeConfig({});
  terraformOk(["destroy", "-auto-approve", "-input=false", "-no-color"], dir);
  expect(terraformOk(["state", "list"], dir).stdout.trim()).toBe("");
});
