/**
 * Cleanups that must run however the benchmark ends: on success and failure (callers use finally)
 * and on Ctrl-C / SIGTERM, so no benchmark container, network or volume is left behind.
 */
const cleanups = new Set<() => Promise<unknown>>();
let installed = false;

export function registerCleanup(fn: () => Promise<unknown>): () => void {
  if (!installed) {
    installed = true;
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        console.error(`\n${signal}: cleaning up the benchmark's environments...`);
        void Promise.allSettled([...cleanups].map((f) => f())).then(() => process.exit(130));
      });
    }
  }
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}
