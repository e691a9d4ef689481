import { parseArgs, ParseArgsConfig } from "node:util";

/** `--name value` options, strictly: an unknown or malformed option fails with the command's usage. */
export function parseOptions<O extends NonNullable<ParseArgsConfig["options"]>>(options: O, usage: string, args = process.argv.slice(2)) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${usage}`);
  }
}

/**
 * Runs a command's main: an error is one message on stderr, prefixed by the command, and exit 1. The
 * commands throw their own errors with messages meant for people (usage, a missing environment, a bad
 * file); an error of JavaScript itself (a TypeError, a ReferenceError, ...) is a bug, and keeps its stack.
 */
export function runCli(command: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(isBug(err) ? `${command}: ${(err as Error)?.stack ?? String(err)}` : `${command}: ${(err as Error).message}`);
    process.exit(1);
  });
}

function isBug(err: unknown): boolean {
  return !(err instanceof Error) || [TypeError, ReferenceError, RangeError, SyntaxError].some((type) => err instanceof type);
}
