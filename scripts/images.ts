/**
 * Build the container images of the `local` environment on the local Docker
 * Engine (no image registry is used or needed).
 *
 *   npx tsx scripts/images.ts [--force] [--verbose] [--list] [name ...]
 *
 * - base:        Debian bookworm minbase rootfs from debootstrap, `docker import`ed.
 *                The Debian mirror is read from this machine's apt sources.
 * - postgres, backup: Dockerfiles FROM base (apt-get install during the build).
 * - objectstore, proxy, app: static Go binaries built on the host (Go caches,
 *                `go env` proxy settings) copied into FROM-scratch images.
 *
 * An image is skipped when its tag exists and carries the same inputs-hash
 * label (a SHA-256 over everything that goes into it). Caches and staged build
 * contexts live in ${XDG_CACHE_HOME:-~/.cache}/portable-backend/images; nothing
 * inside the repository is written.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import {
  inputsHashLabel,
  localImageOrder,
  localImages,
  type LocalImageName,
} from "../images/catalog";

/** Bump to force every image to rebuild after a change to this script's logic. */
const BUILDER_VERSION = "1";
const DEBIAN_SUITE = "bookworm";
const BASE_INCLUDE = ["ca-certificates"];
const IMAGE_LABEL = "io.portable-backend.image";

const repoRoot = findRepoRoot();
const imagesDir = path.join(repoRoot, "images");
const cacheDir = path.join(
  process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"),
  "portable-backend",
  "images",
);

interface Options {
  force: boolean;
  verbose: boolean;
}

class BuildError extends Error {}

// ---------------------------------------------------------------- utilities

function findRepoRoot(): string {
  const script = process.argv[1] ? path.resolve(process.argv[1]) : "";
  let dir = script ? path.dirname(script) : process.cwd();
  for (let i = 0; i < 5; i++) {
    if (fs.existsSync(path.join(dir, "images", "catalog.ts"))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

function elapsed(startMs: number): string {
  const s = (Date.now() - startMs) / 1000;
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
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

/** Run a command to completion and return its stdout (throws on failure). */
function capture(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, {
    encoding: "utf8",
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new BuildError(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new BuildError(`${cmd} ${args.join(" ")} exited ${r.status}: ${(r.stderr || r.stdout).trim()}`);
  }
  return r.stdout;
}

function commandExists(cmd: string): boolean {
  const r = spawnSync("sh", ["-c", `command -v "$1"`, "sh", cmd], { stdio: "ignore" });
  return r.status === 0;
}

/**
 * Run a long command. Output goes to `logFile` (and to the terminal with
 * --verbose); on failure the tail of the log is shown.
 */
function run(
  cmd: string,
  args: string[],
  o: Options & { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<void> {
  fs.mkdirSync(path.dirname(o.logFile), { recursive: true });
  const log = fs.createWriteStream(o.logFile, { flags: "a" });
  log.write(`\n$ ${cmd} ${args.join(" ")}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: o.env ?? process.env,
      cwd: o.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const forward = (chunk: Buffer) => {
      log.write(chunk);
      if (o.verbose) process.stderr.write(chunk);
    };
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.on("error", (err) => {
      log.end();
      reject(new BuildError(`${cmd}: ${err.message}`));
    });
    child.on("close", (code, signal) => {
      log.end(() => {
        if (code === 0) return resolve();
        const tail = fs.readFileSync(o.logFile, "utf8").split("\n").slice(-40).join("\n");
        reject(
          new BuildError(
            `${cmd} ${args.join(" ")} failed (${signal ?? `exit ${code}`})\n` +
              `--- last lines of ${o.logFile} ---\n${tail}`,
          ),
        );
      });
    });
  });
}

/** Recursively list regular files (relative paths, sorted), skipping dot-entries. */
function listFiles(dir: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (e.name.startsWith(".")) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (skip(r)) continue;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk("");
  return out.sort();
}

class Hasher {
  private h = createHash("sha256");
  text(key: string, value: string): this {
    this.h.update(`${key}\0${value.length}\0${value}\0`);
    return this;
  }
  file(key: string, file: string): this {
    const st = fs.statSync(file);
    this.h.update(`${key}\0${st.mode & 0o111 ? "x" : "-"}\0${st.size}\0`);
    this.h.update(fs.readFileSync(file));
    return this;
  }
  dir(key: string, dir: string, skip?: (rel: string) => boolean): this {
    for (const rel of listFiles(dir, skip)) this.file(`${key}/${rel}`, path.join(dir, rel));
    return this;
  }
  digest(): string {
    return this.h.digest("hex");
  }
}

// ---------------------------------------------------------------- docker

function checkDocker(): { version: string; arch: string } {
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

interface ImageInfo {
  id: string;
  hash: string;
  size: number;
}

function inspectImage(tag: string): ImageInfo | undefined {
  const r = spawnSync(
    "docker",
    ["image", "inspect", "--format", `{{.Id}} {{index .Config.Labels "${inputsHashLabel}"}} {{.Size}}`, tag],
    { encoding: "utf8" },
  );
  if (r.status !== 0) return undefined;
  const [id, hash, size] = r.stdout.trim().split(" ");
  return { id, hash: hash === "<no value>" ? "" : hash, size: Number(size) };
}

function dockerEnv(): NodeJS.ProcessEnv {
  // The classic builder resolves FROM against local images only and needs no
  // buildx plugin; set DOCKER_BUILDKIT=1 yourself to use BuildKit instead.
  return { ...process.env, DOCKER_BUILDKIT: process.env.DOCKER_BUILDKIT ?? "0" };
}

// ---------------------------------------------------------------- apt sources

interface AptEntry {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  signedBy?: string;
  file: string;
}

function parseOneLine(text: string, file: string): AptEntry[] {
  const out: AptEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) continue;
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const opts = new Map<string, string>();
    for (const o of (m[2] ?? "").trim().split(/\s+/).filter(Boolean)) {
      const [k, v] = o.split("=", 2);
      opts.set(k, v ?? "");
    }
    out.push({
      types: [m[1]],
      uris: [m[3]],
      suites: [m[4]],
      components: m[5].split(/\s+/).filter(Boolean),
      signedBy: opts.get("signed-by"),
      file,
    });
  }
  return out;
}

function parseDeb822(text: string, file: string): AptEntry[] {
  const out: AptEntry[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let current: string | undefined;
    for (const line of para.split("\n")) {
      if (line.startsWith("#")) continue;
      if (/^\s/.test(line) && current) {
        fields.set(current, `${fields.get(current)}\n${line.trim()}`);
        continue;
      }
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (m) {
        current = m[1].toLowerCase();
        fields.set(current, m[2].trim());
      }
    }
    if (!fields.has("uris") || !fields.has("suites")) continue;
    if ((fields.get("enabled") ?? "yes").toLowerCase() === "no") continue;
    const words = (k: string) => (fields.get(k) ?? "").split(/\s+/).filter(Boolean);
    out.push({
      types: words("types"),
      uris: words("uris"),
      suites: words("suites"),
      components: words("components"),
      signedBy: fields.get("signed-by"),
      file,
    });
  }
  return out;
}

function readAptSources(): AptEntry[] {
  const entries: AptEntry[] = [];
  const add = (file: string) => {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      return;
    }
    entries.push(...(file.endsWith(".sources") ? parseDeb822(text, file) : parseOneLine(text, file)));
  };
  add("/etc/apt/sources.list");
  const d = "/etc/apt/sources.list.d";
  if (fs.existsSync(d)) {
    // apt itself only reads *.list and *.sources
    for (const f of fs.readdirSync(d).sort()) {
      if (f.endsWith(".list") || f.endsWith(".sources")) add(path.join(d, f));
    }
  }
  return entries;
}

interface DebianSources {
  /** URI debootstrap uses */
  mirror: string;
  /** deb822 file content installed in the image */
  sourcesFile: string;
}

/**
 * Find the Debian archive entries in this machine's apt configuration:
 * the main archive (suite `bookworm`, or the host's own release if it is not
 * bookworm), plus -updates and -security when configured.
 */
function debianSources(): DebianSources {
  const all = readAptSources().filter((e) => e.types.includes("deb"));
  const debianish = (s: string) => /^[a-z]+(-updates|-security|\/updates)?$/.test(s);
  const entries = all.filter((e) => e.suites.some(debianish) && e.components.includes("main"));
  const isMain = (s: string) => /^[a-z]+$/.test(s);
  const mainEntry =
    entries.find((e) => e.suites.includes(DEBIAN_SUITE)) ?? entries.find((e) => e.suites.some(isMain));
  const mirror = process.env.DEBIAN_MIRROR || mainEntry?.uris[0];
  if (!mirror) {
    throw new BuildError(
      "Could not find a Debian archive in /etc/apt/sources.list or /etc/apt/sources.list.d/*.{list,sources}; " +
        "set DEBIAN_MIRROR to the archive URI to bootstrap from.",
    );
  }
  const securityEntry = entries.find((e) => e.suites.some((s) => /-security$|\/updates$/.test(s)));
  const keyring = "/usr/share/keyrings/debian-archive-keyring.gpg";
  const stanza = (uris: string[], suites: string[], signedBy?: string) =>
    [
      "Types: deb",
      `URIs: ${uris.join(" ")}`,
      `Suites: ${suites.join(" ")}`,
      "Components: main",
      // only the standard keyring path is known to exist inside the image;
      // otherwise apt falls back to /etc/apt/trusted.gpg.d (Debian's keys)
      ...(signedBy === keyring ? [`Signed-By: ${keyring}`] : []),
    ].join("\n");
  const parts = [stanza([mirror], [DEBIAN_SUITE, `${DEBIAN_SUITE}-updates`], mainEntry?.signedBy ?? keyring)];
  if (securityEntry) {
    parts.push(stanza(securityEntry.uris, [`${DEBIAN_SUITE}-security`], securityEntry.signedBy));
  }
  return { mirror, sourcesFile: `${parts.join("\n\n")}\n` };
}

// ---------------------------------------------------------------- go

let goInfoCache: { version: string; env: NodeJS.ProcessEnv } | undefined;

function goInfo(): { version: string; env: NodeJS.ProcessEnv } {
  if (goInfoCache) return goInfoCache;
  if (!commandExists("go")) {
    throw new BuildError("The Go toolchain (`go`) is needed to build the static binaries; install Go >= 1.26.");
  }
  // Module downloads use the machine's own `go env` settings (GOPROXY,
  // GONOSUMDB, ...); only the toolchain is pinned to the installed one.
  const env: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: "local", CGO_ENABLED: "0", GOOS: "linux" };
  const version = capture("go", ["env", "GOVERSION"], { env }).trim();
  goInfoCache = { version, env };
  return goInfoCache;
}

async function goBuild(
  o: Options & { logFile: string },
  moduleDir: string,
  pkg: string,
  out: string,
  goarch: string,
  ldflags = "-s -w",
): Promise<void> {
  const { env } = goInfo();
  await run(
    "go",
    ["build", "-mod=readonly", "-trimpath", "-buildvcs=false", `-ldflags=${ldflags}`, "-o", out, pkg],
    { ...o, cwd: moduleDir, env: { ...env, GOARCH: goarch } },
  );
}

// ---------------------------------------------------------------- images

interface BuildContext {
  opts: Options;
  arch: string;
  /** image IDs of images already built or verified in this run */
  ids: Map<LocalImageName, string>;
}

interface ImageSpec {
  name: LocalImageName;
  deps: LocalImageName[];
  /** hash of all build inputs */
  inputs(ctx: BuildContext): string;
  build(ctx: BuildContext, hash: string, logFile: string): Promise<void>;
}

function stageDir(name: string): string {
  const dir = path.join(cacheDir, "contexts", name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function copyInto(dir: string, src: string, mode?: number, as?: string): void {
  const dest = path.join(dir, as ?? path.basename(src));
  fs.copyFileSync(src, dest);
  if (mode !== undefined) fs.chmodSync(dest, mode);
}

function labels(name: LocalImageName, hash: string): string[] {
  return [
    "--label",
    `${inputsHashLabel}=${hash}`,
    "--label",
    `${IMAGE_LABEL}=${name}`,
    "--label",
    `org.opencontainers.image.title=${localImages[name]}`,
  ];
}

async function dockerBuild(
  ctx: BuildContext,
  name: LocalImageName,
  hash: string,
  dir: string,
  logFile: string,
): Promise<void> {
  await run(
    "docker",
    [
      "build",
      // apt-get in RUN steps uses the host's network path to the mirror
      "--network",
      "host",
      "--build-arg",
      `BASE_IMAGE=${localImages.base}`,
      "--force-rm",
      ...labels(name, hash),
      "-t",
      localImages[name],
      dir,
    ],
    { ...ctx.opts, logFile, env: dockerEnv() },
  );
}

const scratchCommon = (h: Hasher, ctx: BuildContext) =>
  h
    .text("base-image", ctx.ids.get("base") ?? "")
    .file("passwd", path.join(imagesDir, "common", "passwd"))
    .file("group", path.join(imagesDir, "common", "group"))
    .text("go", goInfo().version)
    .text("arch", ctx.arch);

/** Stage passwd/group and an empty dir used for COPY --chown'ed directories. */
function stageScratchCommon(dir: string): void {
  copyInto(dir, path.join(imagesDir, "common", "passwd"), 0o644);
  copyInto(dir, path.join(imagesDir, "common", "group"), 0o644);
  fs.mkdirSync(path.join(dir, "skel"), { mode: 0o755 });
}

const httpcheckDir = path.join(imagesDir, "httpcheck");

const specs: Record<LocalImageName, ImageSpec> = {
  base: {
    name: "base",
    deps: [],
    inputs() {
      const src = debianSources();
      return new Hasher()
        .text("builder", BUILDER_VERSION)
        .text("suite", DEBIAN_SUITE)
        .text("include", BASE_INCLUDE.join(","))
        .text("mirror", src.mirror)
        .text("sources", src.sourcesFile)
        .file("mkrootfs", path.join(imagesDir, "base", "mkrootfs.sh"))
        .digest();
    },
    async build(ctx, hash, logFile) {
      const dir = path.join(cacheDir, "base");
      fs.mkdirSync(dir, { recursive: true });
      const tarball = path.join(dir, `rootfs-${hash.slice(0, 16)}.tar`);
      if (fs.existsSync(tarball)) {
        console.log(`        reusing cached rootfs ${tarball}`);
      } else {
        if (process.getuid?.() !== 0) {
          throw new BuildError("Building the base rootfs needs root (debootstrap chroots): run as root or via sudo.");
        }
        if (!commandExists("debootstrap")) {
          console.log("        installing debootstrap (apt-get install debootstrap)");
          const install = () =>
            run("apt-get", ["install", "-y", "--no-install-recommends", "debootstrap"], {
              ...ctx.opts,
              logFile,
              env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
            });
          await install().catch(async () => {
            await run("apt-get", ["update"], { ...ctx.opts, logFile });
            await install();
          });
        }
        const src = debianSources();
        const sourcesPath = path.join(dir, "debian.sources");
        fs.writeFileSync(sourcesPath, src.sourcesFile);
        console.log(`        debootstrap ${DEBIAN_SUITE} (minbase) from the machine's apt mirror ...`);
        await run(
          "sh",
          [path.join(imagesDir, "base", "mkrootfs.sh"), tarball, DEBIAN_SUITE, src.mirror, sourcesPath, BASE_INCLUDE.join(",")],
          { ...ctx.opts, logFile },
        );
      }
      const changes = [
        `LABEL ${inputsHashLabel}=${hash} ${IMAGE_LABEL}=base org.opencontainers.image.title=${localImages.base}`,
        "ENV LANG=C.UTF-8",
        'CMD ["bash"]',
      ];
      await run(
        "docker",
        ["import", ...changes.flatMap((c) => ["--change", c]), tarball, localImages.base],
        { ...ctx.opts, logFile },
      );
      // keep only the rootfs tarball of the current inputs
      for (const f of fs.readdirSync(dir)) {
        if (/^rootfs-[0-9a-f]{16}\.tar$/.test(f) && path.join(dir, f) !== tarball) fs.rmSync(path.join(dir, f));
      }
    },
  },

  postgres: {
    name: "postgres",
    deps: ["base"],
    inputs(ctx) {
      return new Hasher()
        .text("builder", BUILDER_VERSION)
        .text("base-image", ctx.ids.get("base") ?? "")
        .dir("postgres", path.join(imagesDir, "postgres"))
        .digest();
    },
    async build(ctx, hash, logFile) {
      const dir = stageDir("postgres");
      copyInto(dir, path.join(imagesDir, "postgres", "Dockerfile"), 0o644);
      copyInto(dir, path.join(imagesDir, "postgres", "docker-entrypoint.sh"), 0o755);
      await dockerBuild(ctx, "postgres", hash, dir, logFile);
    },
  },

  objectstore: {
    name: "objectstore",
    deps: ["base"],
    inputs(ctx) {
      return scratchCommon(new Hasher().text("builder", BUILDER_VERSION), ctx)
        .dir("objectstore", path.join(imagesDir, "objectstore"))
        .dir("httpcheck", httpcheckDir)
        .digest();
    },
    async build(ctx, hash, logFile) {
      const dir = stageDir("objectstore");
      const modDir = path.join(imagesDir, "objectstore");
      const version = /versitygw-(v?[\d.]+)/.exec(localImages.objectstore)?.[1] ?? "unknown";
      console.log("        go build versitygw, httpcheck ...");
      await goBuild(
        { ...ctx.opts, logFile },
        modDir,
        "github.com/versity/versitygw/cmd/versitygw",
        path.join(dir, "versitygw"),
        ctx.arch,
        `-s -w -X main.Version=v${version.replace(/^v/, "")}`,
      );
      await goBuild({ ...ctx.opts, logFile }, httpcheckDir, ".", path.join(dir, "httpcheck"), ctx.arch);
      copyInto(dir, path.join(modDir, "Dockerfile"), 0o644);
      stageScratchCommon(dir);
      await dockerBuild(ctx, "objectstore", hash, dir, logFile);
    },
  },

  proxy: {
    name: "proxy",
    deps: ["base"],
    inputs(ctx) {
      return scratchCommon(new Hasher().text("builder", BUILDER_VERSION), ctx)
        .dir("proxy", path.join(imagesDir, "proxy"))
        .dir("httpcheck", httpcheckDir)
        .digest();
    },
    async build(ctx, hash, logFile) {
      const dir = stageDir("proxy");
      const modDir = path.join(imagesDir, "proxy");
      console.log("        go build caddy, httpcheck ...");
      await goBuild({ ...ctx.opts, logFile }, modDir, ".", path.join(dir, "caddy"), ctx.arch);
      await goBuild({ ...ctx.opts, logFile }, httpcheckDir, ".", path.join(dir, "httpcheck"), ctx.arch);
      copyInto(dir, path.join(modDir, "Dockerfile"), 0o644);
      copyInto(dir, path.join(modDir, "Caddyfile"), 0o644);
      stageScratchCommon(dir);
      await dockerBuild(ctx, "proxy", hash, dir, logFile);
    },
  },

  app: {
    name: "app",
    deps: ["base"],
    inputs(ctx) {
      return scratchCommon(new Hasher().text("builder", BUILDER_VERSION), ctx)
        .text("version", appVersion())
        .dir("image", path.join(imagesDir, "app"))
        .dir("src", path.join(repoRoot, "app"), (rel) => rel === "app")
        .digest();
    },
    async build(ctx, hash, logFile) {
      const dir = stageDir("app");
      console.log("        go build app ...");
      await goBuild(
        { ...ctx.opts, logFile },
        path.join(repoRoot, "app"),
        ".",
        path.join(dir, "app"),
        ctx.arch,
        `-s -w -X main.version=${appVersion()}`,
      );
      copyInto(dir, path.join(imagesDir, "app", "Dockerfile"), 0o644);
      stageScratchCommon(dir);
      await dockerBuild(ctx, "app", hash, dir, logFile);
    },
  },

  backup: {
    name: "backup",
    deps: ["base"],
    inputs(ctx) {
      return new Hasher()
        .text("builder", BUILDER_VERSION)
        .text("base-image", ctx.ids.get("base") ?? "")
        .dir("backup", path.join(imagesDir, "backup"))
        .digest();
    },
    async build(ctx, hash, logFile) {
      const dir = stageDir("backup");
      copyInto(dir, path.join(imagesDir, "backup", "Dockerfile"), 0o644);
      copyInto(dir, path.join(imagesDir, "backup", "backup.sh"), 0o755);
      await dockerBuild(ctx, "backup", hash, dir, logFile);
    },
  },
};

function appVersion(): string {
  return localImages.app.split(":")[1];
}

// ---------------------------------------------------------------- main

function usage(): string {
  return [
    "usage: npx tsx scripts/images.ts [--force] [--verbose] [--list] [name ...]",
    "",
    `names: ${localImageOrder.join(", ")} (default: all; dependencies are added)`,
    "  --force    rebuild even if the tag exists with the same inputs hash",
    "  --verbose  stream build output (otherwise it goes to the log file)",
    "  --list     print the image tags and exit",
    "",
    `cache and logs: ${cacheDir}`,
  ].join("\n");
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const opts: Options = { force: false, verbose: false };
  const wanted = new Set<LocalImageName>();
  for (const a of args) {
    if (a === "--force" || a === "-f") opts.force = true;
    else if (a === "--verbose" || a === "-v") opts.verbose = true;
    else if (a === "--help" || a === "-h") {
      console.log(usage());
      return 0;
    } else if (a === "--list") {
      for (const n of localImageOrder) console.log(`${n}\t${localImages[n]}`);
      return 0;
    } else if ((localImageOrder as readonly string[]).includes(a)) wanted.add(a as LocalImageName);
    else {
      console.error(`unknown image or option: ${a}\n\n${usage()}`);
      return 2;
    }
  }
  const addDeps = (n: LocalImageName) => {
    wanted.add(n);
    specs[n].deps.forEach(addDeps);
  };
  if (wanted.size === 0) localImageOrder.forEach((n) => wanted.add(n));
  else [...wanted].forEach(addDeps);
  const order = localImageOrder.filter((n) => wanted.has(n));

  const docker = checkDocker();
  console.log(`docker ${docker.version} (${docker.arch}); cache ${cacheDir}`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const logDir = path.join(cacheDir, "logs");
  const ctx: BuildContext = { opts, arch: docker.arch, ids: new Map() };

  const started = Date.now();
  const summary: string[] = [];
  for (const [i, name] of order.entries()) {
    const prefix = `[${i + 1}/${order.length}] ${name}:`;
    const tag = localImages[name];
    const t0 = Date.now();
    const hash = specs[name].inputs(ctx);
    const existing = inspectImage(tag);
    if (!opts.force && existing && existing.hash === hash) {
      ctx.ids.set(name, existing.id);
      console.log(`${prefix} cached (${tag}, inputs ${hash.slice(0, 12)}, ${humanSize(existing.size)})`);
      summary.push(`  ${tag.padEnd(46)} ${humanSize(existing.size).padStart(9)}  cached`);
      continue;
    }
    const why = !existing ? "new" : opts.force ? "forced" : "inputs changed";
    const logFile = path.join(logDir, `${name}.log`);
    fs.mkdirSync(logDir, { recursive: true });
    fs.writeFileSync(logFile, `# ${new Date().toISOString()} ${tag} inputs ${hash}\n`);
    console.log(`${prefix} building ${tag} (${why}; log ${logFile}) ...`);
    await specs[name].build(ctx, hash, logFile);
    const built = inspectImage(tag);
    if (!built || built.hash !== hash) {
      throw new BuildError(`${name}: ${tag} is missing or lacks the expected ${inputsHashLabel} label after the build`);
    }
    ctx.ids.set(name, built.id);
    if (existing && existing.id !== built.id) {
      // the previous build is now untagged; drop it unless a container uses it
      spawnSync("docker", ["image", "rm", existing.id], { stdio: "ignore" });
    }
    console.log(`${prefix} built ${tag} in ${elapsed(t0)} (${humanSize(built.size)})`);
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
