/**
 * The base images: a Debian minbase rootfs of one suite from debootstrap
 * against this machine's apt mirror, `docker import`ed. Every other image
 * starts FROM one of them, so no image registry is needed.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { localImages, type LocalImageName } from "../../images/catalog";
import { debianSources } from "./apt-sources";
import { BuildError, commandExists, run, type RunLog } from "./commands";
import { dockerImport } from "./docker";
import { inputsHasher } from "./hash";
import { IMAGE_CACHE_DIR, imageSource } from "./layout";

const BASE_INCLUDE = ["ca-certificates"];
const MKROOTFS = imageSource("base", "mkrootfs.sh");

/** The Debian suite of a base image: its tag's (portable-backend/debian:<suite>). */
function debianSuite(name: LocalImageName): string {
  const suite = /^[^:]+\/debian:([a-z]+)$/.exec(localImages[name])?.[1];
  if (!suite) throw new BuildError(`images/catalog.ts: ${name} (${localImages[name]}) is not a portable-backend/debian:<suite> tag`);
  return suite;
}

export function baseImageInputs(name: LocalImageName): string {
  const suite = debianSuite(name);
  const src = debianSources(suite);
  return inputsHasher()
    .text("suite", suite)
    .text("include", BASE_INCLUDE.join(","))
    .text("mirror", src.mirror)
    .text("sources", src.sourcesFile)
    .file("mkrootfs", MKROOTFS)
    .digest();
}

export async function buildBaseImage(name: LocalImageName, hash: string, log: RunLog): Promise<void> {
  // one directory per base image: each keeps only its own current tarball
  const dir = path.join(IMAGE_CACHE_DIR, name);
  fs.mkdirSync(dir, { recursive: true });
  // debootstrap takes minutes: the tarball of the current inputs is kept, so
  // re-importing after the image was removed (or --force) is quick
  const tarball = path.join(dir, `rootfs-${hash.slice(0, 16)}.tar`);
  if (fs.existsSync(tarball)) {
    console.log(`        reusing cached rootfs ${tarball}`);
  } else {
    await bootstrapRootfs(debianSuite(name), tarball, log);
  }
  await dockerImport(name, hash, tarball, ["ENV LANG=C.UTF-8", 'CMD ["bash"]'], log);
  // keep only the rootfs tarball of the current inputs
  for (const f of fs.readdirSync(dir)) {
    if (/^rootfs-[0-9a-f]{16}\.tar$/.test(f) && path.join(dir, f) !== tarball) fs.rmSync(path.join(dir, f));
  }
}

async function bootstrapRootfs(suite: string, tarball: string, log: RunLog): Promise<void> {
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
  const src = debianSources(suite);
  const sourcesPath = path.join(path.dirname(tarball), "debian.sources");
  fs.writeFileSync(sourcesPath, src.sourcesFile);
  console.log(`        debootstrap ${suite} (minbase) from the machine's apt mirror ...`);
  await run("sh", [MKROOTFS, tarball, suite, src.mirror, sourcesPath, BASE_INCLUDE.join(",")], log);
}
