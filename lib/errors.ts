/**
 * An error its user can fix from its message alone: a bad environment file, a residency violation, a
 * missing credential. The project's commands (`npx cdktf synth|plan|deploy` through scripts/cdktf-app.cjs,
 * the npm scripts through runCli) print only its message and exit 1; any other error keeps its stack.
 * Recognized by its `expected` flag rather than by class, so that the plain-JavaScript app runner can tell
 * it from other errors without loading the TypeScript that defines it.
 */
export class ExpectedError extends Error {
  readonly expected = true;
}

export function isExpectedError(err: unknown): err is ExpectedError {
  return err instanceof Error && (err as { expected?: unknown }).expected === true;
}
