import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { Password } from "@cdktf/provider-random/lib/password";
import { createBackendApp, EnvironmentError, PortableBackend } from "../../index";
import { registerToyTarget } from "../support/toy-target";

// A fourth target registered from outside the core (__tests__/support/toy-target: one folder, one call).
registerToyTarget();

const TOY = {
  provider: "toy", residency: "eu", location: "toy-fra",
  service: { image: "ghcr.io/acme/api:1.4.2", env: { LOG_LEVEL: "info" } },
  database: {}, backups: { retentionDays: 7 },
  state: { backend: "local" },
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** An environments folder holding `files` (name → data), as environment files. */
function environmentsDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "toy-envs-"));
  dirs.push(dir);
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, `${name}.ts`), `export default ${JSON.stringify(data)};`);
  return dir;
}

const problemsOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof EnvironmentError) return err.message;
    throw err;
  }
  throw new Error("expected an EnvironmentError");
};

test("an environment file naming the toy target synthesizes a stack built by its parts, beside a built-in target's", () => {
  const app = createBackendApp({ environmentsDir: environmentsDir({ "toy-prod": TOY, local: { ...TOY, provider: "docker", location: "de",
    host: { url: "unix:///var/run/docker.sock" }, images: { postgres: "portable-backend/postgres:17", objectStore: "o:1", proxy: "p:1", backup: "b:1" } } }) });
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack).map((s) => s.node.id).sort();
  expect(stacks).toEqual(["local", "toy-prod"]);

  const synthesized = Testing.synth(app.node.findChild("toy-prod") as TerraformStack);
  const stack = JSON.parse(synthesized);
  // Its own field's default, its parts' values, and the core's contract: outputs, the app's variables, the state.
  expect(Object.values(stack.locals)).toEqual(expect.arrayContaining(["toy-prod-database.small.toy-fra.toy.example", "toy-prod-service.small.toy-fra.toy.example"]));
  expect(Object.values(stack.locals)).toContainEqual(["DATABASE_URL", "LOG_LEVEL", "S3_ACCESS_KEY_ID", "S3_BUCKET", "S3_ENDPOINT", "S3_REGION", "S3_SECRET_ACCESS_KEY"]);
  expect(synthesized).toHaveResourceWithProperties(Password, { length: 32, special: false });
  const outputs = Object.fromEntries(Object.entries(stack.output).map(([k, v]: [string, any]) => [k.replace(/^app_|_[0-9A-F]{8}$/g, ""), v.value]));
  expect(outputs.backup_location).toBe("toy snapshots in toy-fra");
  expect(outputs.bucket_name).toBe("toy-prod-data");
  expect(outputs.cache_host).toMatch(/^none: .*toy-prod\.ts has no cache$/);
  expect(stack.terraform.backend.local.path).toMatch(/terraform\.toy-prod\.tfstate$/);
});

test("its schema, its location table and its own checks judge its files, with every problem named", () => {
  const message = problemsOf(() => createBackendApp({ environmentsDir: environmentsDir({ "toy-us": { ...TOY, location: "toy-nyc", plan: "large", size: "xl" } }) }));
  expect(message).toMatch(/toy-us\.ts: 3 problems/);
  expect(message).toMatch(/- location: "toy-nyc" — "toy-nyc" \(New York, US\) is outside what policy "eu" allows/);
  expect(message).toMatch(/- plan: "large" — a large plan comes with a cache/);
  expect(message).toMatch(/- size: "xl" — unknown field; allowed here: .*, plan, state/);
});

test("an unknown provider's message lists the registered target with the built-in ones", () => {
  const message = problemsOf(() => createBackendApp({ environmentsDir: environmentsDir({ other: { ...TOY, provider: "toy2" } }) }));
  expect(message).toMatch(/- provider: "toy2" — allowed: docker, hetzner, gcp, toy/);
});

test("a PortableBackend in a stack of one's own can use it too", () => {
  const stack = new TerraformStack(Testing.app(), "mine");
  const { provider, ...props } = TOY;
  const backend = new PortableBackend(stack, "api", { ...props, provider: provider as "docker" } as never);
  expect(backend.environment.provider).toBe("toy");
  expect(backend.backupLocation).toBe("toy snapshots in toy-fra");
  expect(Testing.synth(stack)).toHaveResourceWithProperties(Password, { length: 32 });
});
