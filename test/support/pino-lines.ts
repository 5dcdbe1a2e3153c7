/** One pino JSON log line of a Hotline process, with its time as epoch milliseconds. */
export interface LogLine {
  /** Which process printed it (the test's own label). */
  node: string;
  /** Position in that process's output: program order, exact within one process. */
  seq: number;
  /** Epoch ms (pino `isoTime`, millisecond precision; one system clock for every local process). */
  time: number;
  /** `info`, `warn`, `error`… (Hotline logs level labels). */
  level: string;
  msg: string;
  [field: string]: unknown;
}

/**
 * Reads the JSON log lines a process has printed so far, incrementally: `take()` returns the
 * complete lines that arrived since the last call (a line split across output chunks waits for
 * its end). Lines that are not JSON (a stack trace, tsx noise) are skipped.
 *
 * @example
 * const tail = new PinoTail('A', () => proc.output());
 * for (const line of tail.take()) if (line.msg === 'agent answered') …
 */
export class PinoTail {
  readonly node: string;
  readonly #output: () => string;
  #offset = 0;
  #seq = 0;
  readonly #all: LogLine[] = [];

  constructor(node: string, output: () => string) {
    this.node = node;
    this.#output = output;
  }

  /** Lines completed since the last `take()`. */
  take(): LogLine[] {
    const text = this.#output();
    const end = text.lastIndexOf('\n');
    if (end < this.#offset) return [];
    const chunk = text.slice(this.#offset, end);
    this.#offset = end + 1;
    const fresh: LogLine[] = [];
    for (const raw of chunk.split('\n')) {
      if (!raw.startsWith('{')) continue;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (typeof parsed.msg !== 'string') continue;
      const time = typeof parsed.time === 'string' ? Date.parse(parsed.time) : Number(parsed.time);
      const line: LogLine = { ...parsed, node: this.node, seq: this.#seq++, time, level: String(parsed.level), msg: parsed.msg };
      fresh.push(line);
      this.#all.push(line);
    }
    return fresh;
  }

  /** Every line taken so far, in order. */
  all(): readonly LogLine[] {
    return this.#all;
  }
}
