import type { SuperviseMode, Supervision } from '../../ports/telephony.ts';
import { assertUuid } from './esl-escape.ts';

/**
 * A supervisor on an agent's call with `eavesdrop`. The supervisor eavesdrops on the agent leg
 * (the a-leg of the eavesdrop; the caller is its b-leg): listen hears both, whisper speaks to the
 * agent (`eavesdrop_whisper_aleg`), barge speaks to both (aleg + bleg), as captured in
 * `bridge-eavesdrop.jsonl`. Takeover bridges supervisor and caller (`uuid_bridge`) and hangs up
 * the agent. Each mode change re-enters the supervisor leg with an inline dialplan, which
 * interrupts the running eavesdrop and starts one with the new variables: one command, no DTMF
 * games, and the supervisor's leg is never dropped.
 */
export class EslSupervision implements Supervision {
  readonly id: string;
  readonly #api: (cmd: string) => Promise<string>;
  readonly #caller: string;
  readonly #agent: string;
  readonly #supervisor: string;
  #mode: SuperviseMode | undefined;
  #ended = false;

  constructor(
    id: string,
    legs: { callerLegId: string; agentLegId: string; supervisorLegId: string },
    api: (cmd: string) => Promise<string>,
  ) {
    this.id = id;
    this.#caller = assertUuid(legs.callerLegId);
    this.#agent = assertUuid(legs.agentLegId);
    this.#supervisor = assertUuid(legs.supervisorLegId);
    this.#api = api;
  }

  get mode(): SuperviseMode | undefined {
    return this.#mode;
  }

  async setMode(mode: SuperviseMode): Promise<void> {
    if (this.#ended || mode === this.#mode) return;
    if (mode === 'takeover') {
      await this.#api(`uuid_bridge ${this.#supervisor} ${this.#caller}`);
      await this.#api(`uuid_kill ${this.#agent} NORMAL_CLEARING`).catch(() => {});
      this.#mode = mode;
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

  /** Stops supervising; the supervisor's leg stays up, parked. */
  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#mode !== 'takeover') await this.#api(`uuid_transfer ${this.#supervisor} park inline`).catch(() => {});
  }
}
