import type { Clock, TimerHandle } from '../../ports/clock.ts';
import type { PersistedTimer } from '../../ports/stores.ts';

/**
 * Named timers of one call on an injectable clock. XState drops pending `after` timers when a
 * snapshot is restored, so flow machines never use `after`: they ask for a timer by id and
 * receive `timer.fired` with that id. The due times are persisted with the session and re-armed
 * on resume with whatever time is left.
 */
export class TimerService {
  readonly #clock: Clock;
  readonly #onFire: (id: string) => void;
  readonly #timers = new Map<string, { dueAt: number; handle: TimerHandle }>();

  constructor(clock: Clock, onFire: (id: string) => void) {
    this.#clock = clock;
    this.#onFire = onFire;
  }

  /** (Re)starts timer `id` to fire after `ms`. */
  start(id: string, ms: number): void {
    this.#arm(id, this.#clock.now() + Math.max(0, ms));
  }

  cancel(id: string): void {
    const t = this.#timers.get(id);
    if (!t) return;
    this.#clock.clearTimeout(t.handle);
    this.#timers.delete(id);
  }

  cancelAll(): void {
    for (const id of [...this.#timers.keys()]) this.cancel(id);
  }

  has(id: string): boolean {
    return this.#timers.has(id);
  }

  /** The pending timers with absolute due times, for the session record. */
  toJSON(): PersistedTimer[] {
    return [...this.#timers].map(([id, t]) => ({ id, dueAt: t.dueAt })).sort((a, b) => a.dueAt - b.dueAt);
  }

  /** Re-arms persisted timers; one already overdue fires on the next clock turn. */
  restore(timers: readonly PersistedTimer[]): void {
    for (const t of timers) this.#arm(t.id, t.dueAt);
  }

  #arm(id: string, dueAt: number): void {
    this.cancel(id);
    const handle = this.#clock.setTimeout(() => {
      if (this.#timers.get(id)?.handle !== handle) return;
      this.#timers.delete(id);
      this.#onFire(id);
    }, dueAt - this.#clock.now());
    this.#timers.set(id, { dueAt, handle });
  }
}
