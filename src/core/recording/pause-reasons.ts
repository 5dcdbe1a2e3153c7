/** Why a call's recordings are paused. */
export type PauseReason = 'sensitive' | 'api' | 'flow';

/**
 * The pause reasons of one call. `sensitive` and `api` nest (each pause needs its own resume,
 * so overlapping sensitive steps never resume early); `flow` is a switch set by `record` steps,
 * so a flow re-issuing its pause after a fail-over does not need two resumes.
 */
export class PauseReasons {
  readonly #counts: Record<PauseReason, number> = { sensitive: 0, api: 0, flow: 0 };

  /** Adds a reason; true when the call was not paused before. */
  add(reason: PauseReason): boolean {
    const was = this.paused();
    this.#counts[reason] = reason === 'flow' ? 1 : this.#counts[reason] + 1;
    return !was;
  }

  /** Removes a reason (never below zero); true when nothing keeps the call paused any more. */
  remove(reason: PauseReason): boolean {
    const was = this.paused();
    this.#counts[reason] = reason === 'flow' ? 0 : Math.max(0, this.#counts[reason] - 1);
    return was && !this.paused();
  }

  /** Forgets reasons a session re-derives when it takes a call over (its steps and flow switch). */
  forgetSessionReasons(): void {
    this.#counts.sensitive = 0;
    this.#counts.flow = 0;
  }

  paused(): boolean {
    return this.#counts.sensitive + this.#counts.api + this.#counts.flow > 0;
  }

  toJSON(): Record<PauseReason, number> {
    return { ...this.#counts };
  }
}
