import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, synthApp } from "./helpers";

// A release on Hetzner changes containers, never servers: the environment files in two copies, the second
// with a new app image and a new environment variable, synthesized as `cdktf deploy` would. The machines'
// stack comes out byte for byte the same (so it plans no change against any state), and the release is
// all in the containers' stack (hetzner-apps.test.ts deploys such a release onto stand-in servers).
const STACKS = ["hetzner-staging", "hetzner-prod"];

function synth(image: string, logLevel: string): string {
  const dir = mkdtempSync(join(tmpdir(), "envs-"));
  for (const stack of STACKS) {
    const text = readFileSync(join(ROOT, "environments", `${stack}.ts`), "utf8")
      .replace(/from "\.\.\/(lib\/environment|images\/catalog)"/g, (_, path) => `from ${JSON.stringify(join(ROOT, path))}`);
    expect(text).toContain('image: "ghcr.io/acme/api:1.4.2"');
    expect(text).toContain("service: {");
    writeFileSync(join(dir, `${stack}.ts`), text
      .replace('image: "ghcr.io/acme/api:1.4.2"', `image: "${image}"`)
      .replace("service: {", `service: { env: { LOG_LEVEL: "${logLevel}" },`));
  }
  const { outdir, result } = synthApp({ ENVIRONMENTS_DIR: dir });
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
  return outdir;
}

const stackConfig = (outdir: string, stack: string) => readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");

let before: string;
let after: string;
beforeAll(() => {
  before = synth("ghcr.io/acme/api:1.4.2", "info");
  after = synth("ghcr.io/acme/api:1.5.0", "debug");
});

describe.each(STACKS)("%s: a new app image and configuration", (stack) => {
  test("leave the machines' stack exactly as it was: no server, volume or address changes", () => {
    expect(stackConfig(after, stack)).toBe(stackConfig(before, stack));
  });

  test("are a new release in the containers' stack: the release id's keepers and the app's containers change", () => {
    const [old, next] = [before, after].map((out) => JSON.parse(stackConfig(out, `${stack}-apps`)));
    const keepers = (json: any) => (Object.values(json.resource.random_id)[0] as any).keepers.release as string;
    // The keepers name each server's copy of the image by its id (a new tag is a new image there) and hold the environment.
    expect(keepers(old)).toContain("LOG_LEVEL=info");
    expect(keepers(next)).toContain("LOG_LEVEL=debug");
    const images = (json: any) => Object.values<any>(json.resource.docker_image).map((i) => i.name).filter((n: string) => n.startsWith("ghcr.io/acme/api:"));
    expect(new Set(images(next))).toEqual(new Set(["ghcr.io/acme/api:1.5.0"]));
  });
});
