/** Progress lines for long work: what is happening, how far along, how long it took. */
export class Progress {
  private readonly started = Date.now();
  constructor(private readonly total: number, private readonly what: string) {}

  step(index: number, name: string, message: string): void {
    console.log(`[${index}/${this.total}] ${name}: ${message}`);
  }

  /** Prints a heartbeat every `seconds` while `work` runs, so a 15-minute build is not silent. */
  async during<T>(label: string, work: Promise<T>, seconds = 30): Promise<T> {
    const start = Date.now();
    const timer = setInterval(() => console.log(`    ... ${label} (${elapsed(start)})`), seconds * 1000);
    try {
      return await work;
    } finally {
      clearInterval(timer);
    }
  }

  done(): void {
    console.log(`${this.what}: done in ${elapsed(this.started)}`);
  }
}

export function elapsed(since: number): string {
  const s = Math.round((Date.now() - since) / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}
