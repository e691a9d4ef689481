import { parseArgs, ParseArgsConfig } from "node:util";

/** `--name value` options, strictly: an unknown or malformed option fails with the command's usage. */
export function parseOptions<O extends NonNullable<ParseArgsConfig["options"]>>(options: O, usage: string, args = process.argv.slice(2)) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${usage}`);
  }
}

/** Runs a command's main: an error is one message on stderr, prefixed by the command, and exit 1. */
export function runCli(command: string, main: () => Promise<void>): void {
  main().catch((err: Error) => {
    console.error(`${command}: ${err.message}`);
    process.exit(1);
  });
}
