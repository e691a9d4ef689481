import http from "node:http";

/*
 * Requests as users send them during a release: a few clients, each sending one request after the other
 * to a URL on 127.0.0.1 over keep-alive connections (as browsers do), counting what came back. Bounded
 * in time and count; nothing is retried, so a dropped connection or a 5xx counts as failed. The release
 * benchmark and the release tests (docker-release, vps) use the same.
 */

export interface LoadResult {
  readonly total: number;
  readonly ok: number;
  readonly failed: number;
  /** Outcome → count: HTTP status codes, or `error:<code>` for a connection that failed. */
  readonly outcomes: Readonly<Record<string, number>>;
  readonly seconds: number;
}

export interface Load {
  /** Stops the clients (each finishes its request under way) and returns the counts. */
  stop(): Promise<LoadResult>;
}

export function startLoad(url: string, options: { clients?: number; maxSeconds?: number; maxRequests?: number } = {}): Load {
  const { clients = 4, maxSeconds = 600, maxRequests = 500_000 } = options;
  if (!/^http:\/\/127\.0\.0\.1[:/]/.test(url)) throw new Error(`load goes to 127.0.0.1 only, not ${url}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const started = Date.now();
  const outcomes: Record<string, number> = {};
  let sent = 0;
  let stopped = false;
  const once = () => new Promise<string>((resolve) => {
    const req = http.get(url, { agent, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(String(res.statusCode)));
      res.on("error", (e: NodeJS.ErrnoException) => resolve(`error:${e.code ?? e.message}`));
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
    req.on("error", (e: NodeJS.ErrnoException) => resolve(`error:${e.code ?? e.message}`));
  });
  const client = async () => {
    while (!stopped && sent < maxRequests && Date.now() - started < maxSeconds * 1000) {
      sent++;
      const outcome = await once();
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
  };
  const running = Promise.all(Array.from({ length: clients }, client));
  return {
    async stop() {
      stopped = true;
      await running;
      agent.destroy();
      const total = Object.values(outcomes).reduce((a, b) => a + b, 0);
      const ok = Object.entries(outcomes).filter(([k]) => /^2\d\d$/.test(k)).reduce((a, [, n]) => a + n, 0);
      return { total, ok, failed: total - ok, outcomes: { ...outcomes }, seconds: (Date.now() - started) / 1000 };
    },
  };
}
