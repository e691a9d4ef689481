/**
 * Build the container images of the `local` environment on the local Docker
 * Engine (no image registry is used or needed).
 *
 *   npx tsx scripts/images.ts [--force] [--verbose] [--list] [name ...]
 *
 * - base, baseTrixie: Debian bookworm / trixie minbase rootfs from debootstrap,
 *                `docker import`ed. The Debian mirror is read from this machine's apt sources.
 * - postgres, postgres15, backup, ...: Dockerfiles FROM a base (apt-get install during the build).
 * - objectstore, proxy, app: static Go binaries built on the host (Go caches,
 *                `go env` proxy settings) copied into FROM-scratch images.
 *
 * An image is skipped when its tag exists and carries the same inputs-hash
 * label (a SHA-256 over everything that goes into it). Caches and staged build
 * contexts live in ${XDG_CACHE_HOME:-~/.cache}/portable-backend/images; nothing
 * inside the repository is written. The pieces are in scripts/images/.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { inputsHashLabel, localImageOrder, localImages, type LocalImageName } from "../images/catalog";
import { BuildError } from "./images/commands";
import { checkDocker, inspectImage, removeImage } from "./images/docker";
import { IMAGE_CACHE_DIR } from "./images/layout";
import { imageSpecs, type BuildContext } from "./images/specs";
import { elapsed, Progress } from "./lib/progress";

interface Options {
  force: boolean;
  verbose: boolean;
}

function usage(): string {
  return [
    "usage: npx tsx scripts/images.ts [--force] [--verbose] [--list] [name ...]",
    "",
    `names: ${localImageOrder.join(", ")} (default: all; dependencies are added)`,
    "  --force    rebuild even if the tag exists with the same inputs hash",
    "  --verbose  stream build output (otherwise it goes to the log file)",
    "  --list     print the image tags and exit",
    "",
    `cache and logs: ${IMAGE_CACHE_DIR}`,
  ].join("\n");
}

function humanSize(bytes: number): string {
  const units = ["B", "kB", "MB", "GB"];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

/** The images to build, in build order: the named ones and what they are built from, or all. */
function selectImages(names: Set<LocalImageName>): LocalImageName[] {
  const wanted = new Set<LocalImageName>();
  const add = (n: LocalImageName) => {
    wanted.add(n);
    imageSpecs[n].deps.forEach(add);
  };
  (names.size === 0 ? localImageOrder : [...names]).forEach(add);
  return localImageOrder.filter((n) => wanted.has(n));
}

async function main(): Promise<number> {
  const opts: Options = { force: false, verbose: false };
  const names = new Set<LocalImageName>();
  for (const a of process.argv.slice(2)) {
    if (a === "--force" || a === "-f") opts.force = true;
    else if (a === "--verbose" || a === "-v") opts.verbose = true;
    else if (a === "--help" || a === "-h") {
      console.log(usage());
      return 0;
    } else if (a === "--list") {
      for (const n of localImageOrder) console.log(`${n}\t${localImages[n]}`);
      return 0;
    } else if ((localImageOrder as readonly string[]).includes(a)) names.add(a as LocalImageName);
    else {
      console.error(`unknown image or option: ${a}\n\n${usage()}`);
      return 2;
    }
  }
  const order = selectImages(names);

  const docker = checkDocker();
  console.log(`docker ${docker.version} (${docker.arch}); cache ${IMAGE_CACHE_DIR}`);
  fs.mkdirSync(IMAGE_CACHE_DIR, { recursive: true });
  const logDir = path.join(IMAGE_CACHE_DIR, "logs");
  const ctx: BuildContext = { arch: docker.arch, ids: new Map() };

  const progress = new Progress(order.length, "images");
  const started = Date.now();
  const summary: string[] = [];
  for (const [i, name] of order.entries()) {
    const tag = localImages[name];
    const t0 = Date.now();
    const hash = imageSpecs[name].inputs(ctx);
    const existing = inspectImage(tag);
    if (!opts.force && existing && existing.hash === hash) {
      ctx.ids.set(name, existing.id);
      progress.step(i + 1, name, `cached (${tag}, inputs ${hash.slice(0, 12)}, ${humanSize(existing.size)})`);
      summary.push(`  ${tag.padEnd(46)} ${humanSize(existing.size).padStart(9)}  cached`);
      continue;
    }
    const why = !existing ? "new" : opts.force ? "forced" : "inputs changed";
    const logFile = path.join(logDir, `${name}.log`);
    fs.mkdirSync(logDir, { recursive: true });
    fs.writeFileSync(logFile, `# ${new Date().toISOString()} ${tag} inputs ${hash}\n`);
    progress.step(i + 1, name, `building ${tag} (${why}; log ${logFile}) ...`);
    await imageSpecs[name].build({ hash, arch: ctx.arch, log: { logFile, verbose: opts.verbose } });
    const built = inspectImage(tag);
    if (!built || built.hash !== hash) {
      throw new BuildError(`${name}: ${tag} is missing or lacks the expected ${inputsHashLabel} label after the build`);
    }
    ctx.ids.set(name, built.id);
    // the previous build is now untagged; drop it unless a container uses it
    if (existing && existing.id !== built.id) removeImage(existing.id);
    progress.step(i + 1, name, `built ${tag} in ${elapsed(t0)} (${humanSize(built.size)})`);
    summary.push(`  ${tag.padEnd(46)} ${humanSize(built.size).padStart(9)}  built in ${elapsed(t0)}`);
  }
  console.log(`done in ${elapsed(started)}:\n${summary.join("\n")}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof BuildError) {
      console.error(`\nimages: ERROR: ${err.message}`);
    } else {
      console.error("\nimages: unexpected error:", err);
    }
    process.exit(1);
  },
);
