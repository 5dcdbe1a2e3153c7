import type { Logger } from '../../ports/logger.ts';
import { hotlineError, isHotlineError } from '../../core/errors.ts';
import { asHotlineError } from './ari-errors.ts';
import { AriSpeechSession, type AriSpeechContext, type SpeechHeard } from './ari-speech.ts';

/** What one leg's speech controller is given by the leg. */
export interface AriLegSpeechInit {
  legId: string;
  logger: Logger;
  /** Absent when the driver has no recognizer. */
  context?: AriSpeechContext;
  /** Cleans up a speech bridge a previous run of this node left for the leg. */
  leftovers?: (legId: string) => Promise<void>;
  /** Reports a final result (the leg emits `call.speech` while it is live). */
  heard: (heard: SpeechHeard) => void;
  isLive: () => boolean;
}

/**
 * The speech side of an `AriCallLeg`: at most one {@link AriSpeechSession} at a time, started
 * and stopped by the flow, and always torn down when the leg ends (Asterisk keeps the external
 * media channel up after the caller hangs up).
 */
export class AriLegSpeech {
  readonly #init: AriLegSpeechInit;
  #session: AriSpeechSession | undefined;
  #teardown: Promise<void> | undefined;

  constructor(init: AriLegSpeechInit) {
    this.#init = init;
  }

  /** True while a session runs (or starts). */
  get active(): boolean {
    return this.#session !== undefined && !this.#session.stopped;
  }

  /** Resolves when the teardown that followed the leg's end finished. */
  get teardown(): Promise<void> | undefined {
    return this.#teardown;
  }

  async start(options: { language: string; hints?: string[] }): Promise<void> {
    const { context, legId } = this.#init;
    if (!context) throw hotlineError('HOTLINE_ERR_UNSUPPORTED', 'speech recognition needs a speech recognizer on the ARI driver', { legId });
    if (this.#session && !this.#session.stopped) return this.#session.start(options);
    const session = new AriSpeechSession(legId, context, (heard) => {
      if (this.#init.isLive() && this.#session === session) this.#init.heard(heard);
    });
    this.#session = session;
    try {
      await session.start(options);
    } catch (err) {
      if (this.#session === session) this.#session = undefined;
      const error = asHotlineError(err);
      // Stopped (by stopSpeech) before it was up: nothing failed.
      if (isHotlineError(error, 'HOTLINE_ERR_CALL_ENDED') && this.#init.isLive()) return;
      throw error;
    }
  }

  async stop(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    await session?.stop();
  }

  /** The leg ended: tear down what runs, or what an earlier run of this node left. */
  release(): void {
    const session = this.#session;
    this.#session = undefined;
    const done = session ? session.stop() : this.#init.leftovers?.(this.#init.legId);
    this.#teardown = done?.catch((err: unknown) => {
      this.#init.logger.warn({ legId: this.#init.legId, code: asHotlineError(err).code }, 'speech teardown failed');
    });
  }
}
