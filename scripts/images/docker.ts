/** The Docker CLI: is the engine there, what does a tag hold, build/import with our labels. */
import { spawnSync } from "node:child_process";

import { inputsHashLabel, localImages, type LocalImageName } from "../../images/catalog";
import { BuildError, commandExists, run, type RunLog } from "./commands";

const IMAGE_LABEL = "io.portable-backend.image";

export function checkDocker(): { version: string; arch: string } {
  if (!commandExists("docker")) {
    throw new BuildError(
      "docker CLI not found. Install Docker Engine (Debian: apt-get install docker.io) and start dockerd.",
    );
  }
  const r = spawnSync("docker", ["version", "--format", "{{.Server.Version}} {{.Server.Arch}}"], {
    encoding: "utf8",
    timeout: 30_000,
  });
  const [version, arch] = (r.stdout || "").trim().split(/\s+/);
  if (r.status !== 0 || !version || !arch) {
    throw new BuildError(
      "Docker Engine is not reachable: `docker version` could not talk to the daemon.\n" +
        `  ${(r.stderr || r.error?.message || "").trim().split("\n").join("\n  ")}\n` +
        "Is dockerd running (systemctl start docker / service docker start), and may this user use " +
        `${process.env.DOCKER_HOST || "/var/run/docker.sock"}?`,
    );
  }
  return { version, arch };
}

export interface ImageInfo {
  id: string;
  /** inputs hash label; "" when the image has none */
  hash: string;
  size: number;
}

export function inspectImage(tag: string): ImageInfo | undefined {
  const r = spawnSync(
    "docker",
    ["image", "inspect", "--format", `{{.Id}} {{index .Config.Labels "${inputsHashLabel}"}} {{.Size}}`, tag],
    { encoding: "utf8" },
  );
  if (r.status !== 0) return undefined;
  const [id, hash, size] = r.stdout.trim().split(" ");
  return { id, hash: hash === "<no value>" ? "" : hash, size: Number(size) };
}

/** Drop an image the tag has moved away from; docker refuses while a container uses it, which is fine. */
export function removeImage(id: string): void {
  spawnSync("docker", ["image", "rm", id], { stdio: "ignore" });
}

/** key=value labels of every image we build: the inputs hash makes the cache check possible. */
function imageLabels(name: LocalImageName, hash: string): string[] {
  return [`${inputsHashLabel}=${hash}`, `${IMAGE_LABEL}=${name}`, `org.opencontainers.image.title=${localImages[name]}`];
}

/** What a Dockerfile is built from: the base image (its name in the catalog) and further build arguments. */
export interface BuildFrom {
  base: LocalImageName;
  args?: Record<string, string>;
}

/** `docker build` of a staged context into the image's tag, FROM one of our base images. */
export async function dockerBuild(name: LocalImageName, hash: string, contextDir: string, log: RunLog, from: BuildFrom = { base: "base" }): Promise<void> {
  const args = { BASE_IMAGE: localImages[from.base], ...from.args };
  await run(
    "docker",
    [
      "build",
      // apt-get in RUN steps uses the host's network path to the mirror
      "--network",
      "host",
      ...Object.entries(args).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
      "--force-rm",
      ...imageLabels(name, hash).flatMap((l) => ["--label", l]),
      "-t",
      localImages[name],
      contextDir,
    ],
    // The classic builder resolves FROM against local images only and needs no
    // buildx plugin; set DOCKER_BUILDKIT=1 yourself to use BuildKit instead.
    { ...log, env: { ...process.env, DOCKER_BUILDKIT: process.env.DOCKER_BUILDKIT ?? "0" } },
  );
}

/** `docker import` of a rootfs tarball into the image's tag; `changes` are Dockerfile instructions. */
export async function dockerImport(
  name: LocalImageName,
  hash: string,
  tarball: string,
  changes: string[],
  log: RunLog,
): Promise<void> {
  const all = [`LABEL ${imageLabels(name, hash).join(" ")}`, ...changes];
  await run("docker", ["import", ...all.flatMap((c) => ["--change", c]), tarball, localImages[name]], log);
}
