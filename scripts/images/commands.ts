/** Host commands of the image builds: short queries captured, long builds logged to a file. */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** A failure the user can act on: printed as a message, without a stack trace. */
export class BuildError extends Error {}

/** Where a long command's output goes: always the image's log file, the terminal only with --verbose. */
export interface RunLog {
  logFile: string;
  verbose: boolean;
}

/** Run a command to completion and return its stdout (throws on failure). */
export function capture(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
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

export function commandExists(cmd: string): boolean {
  const r = spawnSync("sh", ["-c", `command -v "$1"`, "sh", cmd], { stdio: "ignore" });
  return r.status === 0;
}

/**
 * Run a long command. Its output is appended to the log file (builds are too
 * noisy for the terminal); on failure the tail of the log goes into the error.
 */
export function run(
  cmd: string,
  args: string[],
  o: RunLog & { env?: NodeJS.ProcessEnv; cwd?: string },
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
