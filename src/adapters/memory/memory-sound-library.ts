import type { SoundLibrary } from '../../ports/sounds.ts';

/**
 * Sounds known by name and length, without files: tests, and `hotline simulate` runs that
 * have no `sounds/` directory.
 *
 * @example
 * const sounds = new MemorySoundLibrary({ welcome: 2500, 'menus/main': 4000 });
 */
export class MemorySoundLibrary implements SoundLibrary {
  readonly #durations: Map<string, number>;

  constructor(durations: Record<string, number> = {}) {
    this.#durations = new Map(Object.entries(durations));
  }

  has(name: string): boolean {
    return this.#durations.has(name);
  }

  durationMs(name: string): number | undefined {
    return this.#durations.get(name);
  }

  names(): string[] {
    return [...this.#durations.keys()].sort();
  }

  /** Adds or replaces a sound. */
  set(name: string, durationMs: number): void {
    this.#durations.set(name, durationMs);
  }
}
