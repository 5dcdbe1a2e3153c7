import type { Logger } from '../../ports/logger.ts';

/**
 * Synchronous, ordered event delivery. Listeners run in subscription order inside the call that
 * emitted; an event emitted *by* a listener (a session stopping a playback when a digit arrives)
 * is queued and delivered after the current one has reached every listener, so all listeners
 * see the same order. A listener that throws is logged and skipped: one broken subscriber must
 * not stop a call.
 */
export class SimEmitter<E extends { type: string }> {
  readonly #listeners = new Set<(event: E) => void>();
  readonly #queue: E[] = [];
  readonly #logger: Logger;
  #delivering = false;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  subscribe(listener: (event: E) => void): () => void {
    // Wrapped so the same function subscribed twice gets two independent subscriptions.
    const entry = (event: E) => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Number of live subscriptions. */
  get size(): number {
    return this.#listeners.size;
  }

  emit(event: E): void {
    this.#queue.push(event);
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
        for (const listener of [...this.#listeners]) {
          try {
            listener(next);
          } catch (err) {
            this.#logger.warn({ err, event: next.type }, 'sim listener threw');
          }
        }
      }
    } finally {
      this.#delivering = false;
    }
  }
}
