import { hotlineError, isHotlineError } from '../../core/errors.ts';
import type { SuperviseMode, Supervision } from '../../ports/telephony.ts';
import { assertUuid } from './esl-escape.ts';

const MODES: readonly SuperviseMode[] = ['listen', 'whisper', 'barge', 'takeover'];

/**
 * A supervisor on an agent's call with `eavesdrop`. The supervisor eavesdrops on the agent leg
 * (the a-leg of the eavesdrop; the caller is its b-leg): listen hears both, whisper speaks to the
 * agent only (`eavesdrop_whisper_aleg`), barge speaks to both (aleg + bleg); the variables are
 * the ones `bridge-eavesdrop.jsonl` shows on the `eavesdrop` execute. Takeover bridges supervisor
 * and caller (`uuid_bridge`) and hangs up the agent. Each mode change re-enters the supervisor
 * leg with an inline dialplan, which interrupts the running eavesdrop and starts one with the new
 * variables: one command, no DTMF games, and the supervisor's leg is never dropped.
 */
export class EslSupervision implements Supervision {
  readonly id: string;
  readonly #api: (cmd: string) => Promise<string>;
  readonly #caller: string;
  readonly #agent: string;
  readonly #supervisor: string;
  readonly #onEnded: (supervision: EslSupervision) => void;
  #mode: SuperviseMode | undefined;
  #ended = false;
  #supervisorGone = false;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    id: string,
    legs: { callerLegId: string; agentLegId: string; supervisorLegId: string },
    api: (cmd: string) => Promise<string>,
    onEnded: (supervision: EslSupervision) => void = () => {},
  ) {
    this.id = id;
    this.#caller = assertUuid(legs.callerLegId);
    this.#agent = assertUuid(legs.agentLegId);
    this.#supervisor = assertUuid(legs.supervisorLegId);
    this.#api = api;
    this.#onEnded = onEnded;
  }

  get mode(): SuperviseMode | undefined {
    return this.#mode;
  }

  get ended(): boolean {
    return this.#ended;
  }

  setMode(mode: SuperviseMode): Promise<void> {
    if (!MODES.includes(mode)) return Promise.reject(hotlineError('HOTLINE_ERR_BAD_REQUEST', 'unknown supervise mode', { mode: String(mode).slice(0, 16) }));
    return this.#serial(() => this.#setMode(mode));
  }

  /** Stops supervising; the supervisor's leg stays up, parked (out of the call after takeover). */
  end(): Promise<void> {
    return this.#serial(() => this.#end());
  }

  /**
   * A leg hung up. The caller or the supervisor ends the supervision; the agent too, unless
   * takeover hung it up on purpose. Returns true when this supervision ends because of it.
   * @internal
   */
  legGone(legId: string): boolean {
    if (this.#ended) return false;
    if (legId === this.#supervisor) this.#supervisorGone = true;
    const ends = legId === this.#caller || legId === this.#supervisor || (legId === this.#agent && this.#mode !== 'takeover');
    if (ends) void this.end().catch(() => undefined);
    return ends;
  }

  async #setMode(mode: SuperviseMode): Promise<void> {
    if (this.#ended) throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `supervision ${this.id} has ended`, { supervisionId: this.id });
    if (mode === this.#mode) return;
    if (this.#mode === 'takeover') {
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', 'the agent left the call at takeover; only end() is possible', { supervisionId: this.id });
    }
    if (mode === 'takeover') {
      // Parked, not hung up, when the caller leaves later: the core decides about the supervisor's leg.
      await this.#api(`uuid_setvar ${this.#supervisor} park_after_bridge true`);
      await this.#api(`uuid_bridge ${this.#supervisor} ${this.#caller}`);
      // Set before the kill: the agent's hang-up must not read as "the call ended".
      this.#mode = mode;
      await this.#api(`uuid_kill ${this.#agent} NORMAL_CLEARING`).catch((err: unknown) => {
        if (!isHotlineError(err, 'HOTLINE_ERR_CALL_ENDED')) throw err;
      });
      return;
    }
    const aleg = mode === 'whisper' || mode === 'barge';
    const bleg = mode === 'barge';
    const dialplan = [
      `set:eavesdrop_whisper_aleg=${aleg}`,
      `set:eavesdrop_whisper_bleg=${bleg}`,
      'set:eavesdrop_enable_dtmf=false',
      `eavesdrop:${this.#agent}`,
      'park',
    ].join(',');
    await this.#api(`uuid_transfer ${this.#supervisor} ${dialplan} inline`);
    this.#mode = mode;
  }

  async #end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    try {
      // After takeover too: parking the supervisor breaks its bridge with the caller.
      if (!this.#supervisorGone) {
        await this.#api(`uuid_transfer ${this.#supervisor} park inline`).catch((err: unknown) => {
          if (!isHotlineError(err, 'HOTLINE_ERR_CALL_ENDED')) throw err;
        });
      }
    } finally {
      this.#onEnded(this);
    }
  }

  #serial(fn: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(fn);
    this.#chain = run.catch(() => undefined);
    return run;
  }
}
