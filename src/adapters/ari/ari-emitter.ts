import type { Logger } from '../../ports/logger.ts';

/** Synchronous listener set; one throwing listener neither breaks the others nor the ARI socket. */
export class AriEmitter<E> {
  readonly #listeners = new Set<(event: E) => void>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  subscribe(listener: (event: E) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  emit(event: E): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.#logger.error({ err: err instanceof Error ? err.message : String(err) }, 'leg event listener failed');
      }
    }
  }
}
