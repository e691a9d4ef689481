/** How each image of images/catalog.ts is built, and what its inputs hash covers. */
import * as fs from "node:fs";
import * as path from "node:path";

import { localImages, postgresMajorOfImage, type LocalImageName } from "../../images/catalog";
import { PROJECT_ROOT } from "../lib/paths";
import { baseImageInputs, buildBaseImage } from "./base";
import { BuildError, type RunLog } from "./commands";
import { dockerBuild, type BuildFrom } from "./docker";
import { goBuild, goVersion, type GoBinary } from "./go";
import { inputsHasher, listFiles, type Hasher } from "./hash";
import { imageSource, stageContext, type StagedFile } from "./layout";

/** State shared by the images of one run. */
export interface BuildContext {
  /** Docker's architecture, which the Go binaries are built for */
  arch: string;
  /** image IDs of images already built or verified in this run */
  ids: Map<LocalImageName, string>;
}

export interface ImageSpec {
  deps: LocalImageName[];
  /** hash of all build inputs */
  inputs(ctx: BuildContext): string;
  build(job: { hash: string; arch: string; log: RunLog }): Promise<void>;
}

const PASSWD = imageSource("common", "passwd");
const GROUP = imageSource("common", "group");
/** Sourced by the shell scripts of the Debian images (the `*_FILE` secret variables). */
const FILE_ENV = imageSource("common", "file-env.sh");

/** The base image's ID is an input of every image built FROM it: a new base rebuilds them. */
const startHash = (ctx: BuildContext, base: LocalImageName = "base"): Hasher => inputsHasher().text("base-image", ctx.ids.get(base) ?? "");

/** Python bytecode from a local run of the sources is output, not input. */
const isBytecode = (rel: string): boolean => path.basename(rel) === "__pycache__" || rel.endsWith(".pyc");

interface DebianImageOptions {
  /** The folder under images/ (default: the image's name). */
  dir?: string;
  /** The base image and build arguments (default: base, none); both are inputs. */
  from?: BuildFrom;
}

/**
 * An image whose Dockerfile apt-get installs onto a base image. Inputs: everything in
 * images/<dir>/ plus the shared shell helpers it sources, the base image and the build
 * arguments. `modes` maps the files the build context gets (paths relative to
 * images/<dir>/, kept as they are) to their modes.
 */
function debianImage(name: LocalImageName, modes: Record<string, number>, options: DebianImageOptions = {}): ImageSpec {
  const { dir = name, from = { base: "base" } } = options;
  const args = Object.entries(from.args ?? {}).map(([k, v]) => `${k}=${v}`).join("\n");
  return {
    deps: [from.base],
    inputs: (ctx) => {
      const h = startHash(ctx, from.base).dir(dir, imageSource(dir), isBytecode).file("common/file-env.sh", FILE_ENV);
      // without arguments the hash stays what it was before images had any
      return (args ? h.text("build-args", args) : h).digest();
    },
    async build({ hash, log }) {
      const files = Object.entries(modes).map(([file, mode]) => ({ src: imageSource(dir, file), dest: file, mode }));
      // sourced, not executed
      const context = stageContext(name, [...files, { src: FILE_ENV, mode: 0o644 }]);
      await dockerBuild(name, hash, context, log, from);
    },
  };
}

/** Every source file under images/<dir>/ (bytecode aside), mode 0644: for an app copied whole. */
function sourceTree(dir: string): Record<string, number> {
  return Object.fromEntries(listFiles(imageSource(dir), isBytecode).map((rel) => [rel, 0o644]));
}

interface ScratchImage {
  /** Go main packages built on the host into the build context */
  binaries: GoBinary[];
  /** files of images/<name>/ the Dockerfile copies (Dockerfile included) */
  files: string[];
  /** inputs beyond base, passwd/group, the Go version and the architecture */
  inputs(h: Hasher): Hasher;
}

/** An image FROM scratch: static Go binaries plus passwd/group, CA certificates taken from base. */
function scratchImage(name: LocalImageName, image: ScratchImage): ImageSpec {
  return {
    deps: ["base"],
    inputs: (ctx) =>
      image
        .inputs(startHash(ctx).file("passwd", PASSWD).file("group", GROUP).text("go", goVersion()).text("arch", ctx.arch))
        .digest(),
    async build({ hash, arch, log }) {
      const files: StagedFile[] = [...image.files.map((f) => imageSource(name, f)), PASSWD, GROUP].map((src) => ({
        src,
        mode: 0o644,
      }));
      const dir = stageContext(name, files);
      // scratch has no mkdir: the Dockerfiles `COPY --chown` this empty dir to create owned directories
      fs.mkdirSync(path.join(dir, "skel"), { mode: 0o755 });
      console.log(`        go build ${image.binaries.map((b) => b.out).join(", ")} ...`);
      for (const bin of image.binaries) await goBuild(bin, path.join(dir, bin.out), arch, log);
      await dockerBuild(name, hash, dir, log);
    },
  };
}

/** The health probe binary of the scratch images that have no other HTTP client. */
const HTTPCHECK: GoBinary = { moduleDir: imageSource("httpcheck"), pkg: ".", out: "httpcheck" };

const debianBase = (name: LocalImageName): ImageSpec => ({
  deps: [],
  inputs: () => baseImageInputs(name),
  build: ({ hash, log }) => buildBaseImage(name, hash, log),
});

/** The major of a Postgres image of the catalog: its tag's. */
function postgresMajor(name: LocalImageName): number {
  const major = postgresMajorOfImage(localImages[name]);
  if (major === undefined) throw new BuildError(`images/catalog.ts: the tag of ${name} must be its Postgres major (e.g. :17), got ${localImages[name]}`);
  return major;
}

const postgresImage = (name: LocalImageName, base: LocalImageName): ImageSpec =>
  debianImage(name, { Dockerfile: 0o644, "docker-entrypoint.sh": 0o755 }, { dir: "postgres", from: { base, args: { PG_MAJOR: String(postgresMajor(name)) } } });

const versitygwVersion = (/versitygw-(v?[\d.]+)/.exec(localImages.objectstore)?.[1] ?? "unknown").replace(/^v/, "");
const appVersion = localImages.app.split(":")[1];
const appSource = path.join(PROJECT_ROOT, "app");

export const imageSpecs: Record<LocalImageName, ImageSpec> = {
  base: debianBase("base"),
  baseTrixie: debianBase("baseTrixie"),

  // one Dockerfile for every major, from the suite that has it; the major is the tag's
  postgres: postgresImage("postgres", "baseTrixie"),
  postgres15: postgresImage("postgres15", "base"),

  objectstore: scratchImage("objectstore", {
    binaries: [
      {
        moduleDir: imageSource("objectstore"),
        pkg: "github.com/versity/versitygw/cmd/versitygw",
        out: "versitygw",
        ldflags: `-s -w -X main.Version=v${versitygwVersion}`,
      },
      HTTPCHECK,
    ],
    files: ["Dockerfile"],
    inputs: (h) => h.dir("objectstore", imageSource("objectstore")).dir("httpcheck", HTTPCHECK.moduleDir),
  }),

  proxy: scratchImage("proxy", {
    binaries: [{ moduleDir: imageSource("proxy"), pkg: ".", out: "caddy" }, HTTPCHECK],
    files: ["Dockerfile", "Caddyfile"],
    inputs: (h) => h.dir("proxy", imageSource("proxy")).dir("httpcheck", HTTPCHECK.moduleDir),
  }),

  app: scratchImage("app", {
    binaries: [{ moduleDir: appSource, pkg: ".", out: "app", ldflags: `-s -w -X main.version=${appVersion}` }],
    files: ["Dockerfile"],
    inputs: (h) =>
      h
        .text("version", appVersion)
        .dir("image", imageSource("app"))
        // a binary from a local `go build` in app/ is output, not input
        .dir("src", appSource, (rel) => rel === "app"),
  }),

  // the client of the newest major (the default postgres image's): it dumps and restores every older server too
  backup: debianImage("backup", { Dockerfile: 0o644, "backup.sh": 0o755, "ready.sh": 0o755 }, {
    from: { base: "baseTrixie", args: { PG_MAJOR: String(postgresMajor("postgres")) } },
  }),

  cache: debianImage("cache", { Dockerfile: 0o644, "docker-entrypoint.sh": 0o755, "redis-health.sh": 0o755 }),

  // the Python app in images/example-app/ (app/, migrations/, alembic.ini)
  exampleApp: debianImage("exampleApp", sourceTree("example-app"), { dir: "example-app" }),

  // tests only: the stand-in VPS (dockerd + key-only sshd) of __tests__/support/standin-vps.ts
  standinVps: debianImage(
    "standinVps",
    { Dockerfile: 0o644, "entrypoint.sh": 0o755, "sshd-standin.conf": 0o644 },
    { dir: "standin-vps" },
  ),
};
