import type { Clock, TimerHandle } from '../../ports/clock.ts';

interface Pending {
  id: number;
  dueAt: number;
  fn: () => void;
}

/**
 * A clock that only moves when told to. Timers due at or before the new time fire in due order,
 * each one seeing `now()` equal to its own due time. Optionally it also follows wall time
 * (`realtime`), for simulated calls a person drives from the browser while `advance` still
 * fast-forwards.
 *
 * @example
 * const clock = new ManualClock(Date.parse('2026-11-23T14:00:00Z'));
 * clock.setTimeout(() => console.log('5 s later'), 5000);
 * await clock.advance(5000);
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #pending: Pending[] = [];
  #realtimeTimer: NodeJS.Timeout | undefined;
  #lastWall = 0;

  constructor(start: number = Date.now(), options: { realtime?: boolean } = {}) {
    this.#now = start;
    if (options.realtime) {
      this.#lastWall = Date.now();
      this.#realtimeTimer = setInterval(() => {
        const wall = Date.now();
        const delta = wall - this.#lastWall;
        this.#lastWall = wall;
        void this.advance(delta);
      }, 50);
      this.#realtimeTimer.unref();
    }
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const entry: Pending = { id: ++this.#seq, dueAt: this.#now + Math.max(0, ms), fn };
    this.#pending.push(entry);
    return { id: entry.id } as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as unknown as { id: number }).id;
    this.#pending = this.#pending.filter((p) => p.id !== id);
  }

  /** Due time of the earliest pending timer, if any. */
  nextDueAt(): number | undefined {
    let min: number | undefined;
    for (const p of this.#pending) if (min === undefined || p.dueAt < min) min = p.dueAt;
    return min;
  }

  /** Number of pending timers. */
  pendingCount(): number {
    return this.#pending.length;
  }

  /**
   * Moves time forward by `ms`, firing due timers in order. Awaits a macrotask turn after each
   * timer so promise chains they start (PBX commands, store writes) settle before the next fires.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + Math.max(0, ms);
    for (;;) {
      const next = this.#earliest();
      if (!next || next.dueAt > target) break;
      this.#pending = this.#pending.filter((p) => p !== next);
      this.#now = Math.max(this.#now, next.dueAt);
      next.fn();
      await settle();
    }
    this.#now = target;
    await settle();
  }

  /** Sets the clock to an absolute time (forward only), firing what falls due. */
  async advanceTo(time: number): Promise<void> {
    await this.advance(time - this.#now);
  }

  /** Stops following wall time. */
  dispose(): void {
    if (this.#realtimeTimer) clearInterval(this.#realtimeTimer);
    this.#pending = [];
  }

  #earliest(): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.#pending) if (!best || p.dueAt < best.dueAt || (p.dueAt === best.dueAt && p.id < best.id)) best = p;
    return best;
  }
}

/** Lets pending promise callbacks and I/O callbacks of the current turn run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
