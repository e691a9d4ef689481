import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { Password } from "@cdktf/provider-random/lib/password";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { pinProviderVersions } from "../../constructs/backend-stack";
import { driftOf } from "../../scripts/drift/changes";
import { REDACTED } from "../../scripts/lib/redact-plan";
import { requireDocker } from "./docker";
import { terraform, terraformOk } from "./helpers";

jest.setTimeout(180_000);

/*
 * Drift of a value Terraform marks sensitive, with the real docker provider and engine: a Docker volume
 * whose label holds a generated password (so Terraform marks the volume's labels sensitive). The state is
 * then edited to hold another value, which is what a label changed outside Terraform looks like to the
 * next refresh. Only the volume and the state this test creates are touched.
 */

const STACK = "drift-sensitive";

function synthStack(dir: string, volumeName: string): void {
  const outdir = mkdtempSync(join(tmpdir(), "drift-sensitive-synth-"));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, STACK);
  new LocalBackend(stack, { path: join(dir, "terraform.tfstate") });
  new DockerProvider(stack, "docker");
  new RandomProvider(stack, "random");
  const key = new Password(stack, "key", { length: 24, special: false });
  new Volume(stack, "probe", { name: volumeName, labels: [{ label: "token", value: key.result }, { label: "team", value: "a" }] });
  pinProviderVersions(stack);
  app.synth();
  cpSync(join(outdir, "stacks", STACK, "cdk.tf.json"), join(dir, "cdk.tf.json"));
}

test("a sensitive value changed outside Terraform is reported as drift, and its values are not", () => {
  requireDocker();
  const dir = mkdtempSync(join(tmpdir(), "drift-sensitive-"));
  const step = (args: string[]) => terraformOk([...args, "-input=false", "-no-color"], dir).stdout;
  synthStack(dir, `drift-sensitive-${basename(dir).slice(-6).toLowerCase()}`);
  step(["init"]);
  step(["apply", "-auto-approve"]);
  try {
    const stateFile = join(dir, "terraform.tfstate");
    const state = JSON.parse(readFileSync(stateFile, "utf8"));
    const instance = (type: string) => state.resources.find((r: { type: string }) => r.type === type).instances[0];
    const password: string = instance("random_password").attributes.result;
    const label = instance("docker_volume").attributes.labels.find((l: { label: string }) => l.label === "token");
    expect(label.value).toBe(password);
    label.value = "stale-label-value";
    writeFileSync(stateFile, JSON.stringify({ ...state, serial: state.serial + 1 }));

    step(["plan", "-refresh-only", "-lock=false", "-out=drift.bin"]);
    const show = terraform(["show", "-json", "drift.bin"], dir).stdout;
    // What makes this case: terraform marks the labels sensitive on both sides, and prints them in clear.
    const [drift] = JSON.parse(show).resource_drift;
    expect(drift.change).toMatchObject({ before_sensitive: { labels: true }, after_sensitive: { labels: true } });
    expect(show).toContain(password);

    const resources = driftOf(show, terraform(["providers", "schema", "-json"], dir).stdout);

    expect(resources).toEqual([
      { address: "docker_volume.probe", type: "docker_volume", action: "update", changes: [{ path: "labels", before: REDACTED, after: REDACTED }] },
    ]);
    expect(JSON.stringify(resources)).not.toMatch(new RegExp(`${password}|stale-label-value`));
  } finally {
    step(["destroy", "-auto-approve", "-lock=false"]);
  }
});
