/**
 * The base image: a Debian minbase rootfs from debootstrap against this
 * machine's apt mirror, `docker import`ed. Every other image starts FROM it,
 * so no image registry is needed.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { debianSources } from "./apt-sources";
import { BuildError, commandExists, run, type RunLog } from "./commands";
import { dockerImport } from "./docker";
import { inputsHasher } from "./hash";
import { IMAGE_CACHE_DIR, imageSource } from "./layout";

const DEBIAN_SUITE = "bookworm";
const BASE_INCLUDE = ["ca-certificates"];
const MKROOTFS = imageSource("base", "mkrootfs.sh");

export function baseImageInputs(): string {
  const src = debianSources(DEBIAN_SUITE);
  return inputsHasher()
    .text("suite", DEBIAN_SUITE)
    .text("include", BASE_INCLUDE.join(","))
    .text("mirror", src.mirror)
    .text("sources", src.sourcesFile)
    .file("mkrootfs", MKROOTFS)
    .digest();
}

export async function buildBaseImage(hash: string, log: RunLog): Promise<void> {
  const dir = path.join(IMAGE_CACHE_DIR, "base");
  fs.mkdirSync(dir, { recursive: true });
  // debootstrap takes minutes: the tarball of the current inputs is kept, so
  // re-importing after the image was removed (or --force) is quick
  const tarball = path.join(dir, `rootfs-${hash.slice(0, 16)}.tar`);
  if (fs.existsSync(tarball)) {
    console.log(`        reusing cached rootfs ${tarball}`);
  } else {
    await bootstrapRootfs(tarball, log);
  }
  await dockerImport("base", hash, tarball, ["ENV LANG=C.UTF-8", 'CMD ["bash"]'], log);
  // keep only the rootfs tarball of the current inputs
  for (const f of fs.readdirSync(dir)) {
    if (/^rootfs-[0-9a-f]{16}\.tar$/.test(f) && path.join(dir, f) !== tarball) fs.rmSync(path.join(dir, f));
  }
}

async function bootstrapRootfs(tarball: string, log: RunLog): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new BuildError("Building the base rootfs needs root (debootstrap chroots): run as root or via sudo.");
  }
  if (!commandExists("debootstrap")) {
    console.log("        installing debootstrap (apt-get install debootstrap)");
    const install = () =>
      run("apt-get", ["install", "-y", "--no-install-recommends", "debootstrap"], {
        ...log,
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      });
    // a fresh machine may have no package lists yet
    await install().catch(async () => {
      await run("apt-get", ["update"], log);
      await install();
    });
  }
  const src = debianSources(DEBIAN_SUITE);
  const sourcesPath = path.join(path.dirname(tarball), "debian.sources");
  fs.writeFileSync(sourcesPath, src.sourcesFile);
  console.log(`        debootstrap ${DEBIAN_SUITE} (minbase) from the machine's apt mirror ...`);
  await run("sh", [MKROOTFS, tarball, DEBIAN_SUITE, src.mirror, sourcesPath, BASE_INCLUDE.join(",")], log);
}
