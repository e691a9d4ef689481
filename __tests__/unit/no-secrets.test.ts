import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import execa from "execa";
import { Testing } from "cdktf";
import { environmentStacks } from "../../constructs/backend-stack";
import { loadEnvironments } from "../../lib/environment";

const ROOT = join(__dirname, "..", "..");

// Shapes of real credentials. Hex digests and base64 checksums (lock files, go.sum) do not match them.
const SECRET_SHAPES: [string, RegExp][] = [
  // The marker with a key's body after it: code and docs may name the format.
  ["private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----\r?\n[A-Za-z0-9+/=]{40,}/],
  ["AWS-style access key", /\bAKIA[0-9A-Z]{16}\b/],
  ["Hetzner API token (64 mixed-case letters and digits)", /\b(?=[A-Za-z0-9]*[A-Z])(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{64}\b/],
  ["Google service account key", /"private_key_id"\s*:\s*"[0-9a-f]{40}"/],
  ["password assigned a literal", /\b(password|secret|token)\s*[:=]\s*["'][^"'${}\s]{8,}["']/i],
];

function scan(name: string, text: string): string[] {
  return SECRET_SHAPES.filter(([, shape]) => shape.test(text)).map(([what]) => `${name}: ${what}`);
}

test("no secret literal in the repository", () => {
  const files = execa.sync("git", ["ls-files"], { cwd: ROOT }).stdout.split("\n")
    .filter((f) => f && existsSync(join(ROOT, f)) && !/\.(png|jpg|ico)$/.test(f) && f !== "package-lock.json" && !f.endsWith("go.sum"));
  expect(files.length).toBeGreaterThan(50);
  expect(files.flatMap((f) => scan(f, readFileSync(join(ROOT, f), "utf8")))).toEqual([]);
});

test("no secret literal in what synth writes", () => {
  const findings = loadEnvironments(join(ROOT, "environments")).flatMap((env) =>
    environmentStacks(Testing.app(), env).flatMap((stack) => scan(`cdktf.out/stacks/${stack.node.id}`, Testing.synth(stack))));
  expect(findings).toEqual([]);
});

test("the scan recognizes what it looks for", () => {
  const token = ["aB3", "x".repeat(58), "Z9q"].join("");
  expect(scan("sample", `HCLOUD_TOKEN=${token}`)).toEqual(["sample: Hetzner API token (64 mixed-case letters and digits)"]);
  // Built at run time, so this file itself holds no literal the repository scan would (rightly) flag.
  expect(scan("sample", ["pass", 'word: "hunter2hunter2"'].join(""))).toEqual(["sample: password assigned a literal"]);
  expect(scan("sample", 'password: "${random_password.db.result}"')).toEqual([]);
  const marker = ["-----BEGIN OPENSSH", "PRIVATE KEY-----"].join(" ");
  expect(scan("sample", `${marker}\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n`)).toEqual(["sample: private key"]);
  expect(scan("sample", `the format (\`${marker}\`)`)).toEqual([]);
});
