import type { Supervision, SuperviseMode } from '../../ports/telephony.ts';
import { hotlineError } from '../../core/errors.ts';

const MODES: readonly SuperviseMode[] = ['listen', 'whisper', 'barge', 'takeover'];

/** A supervisor on a simulated call; its mode feeds the driver's audio paths. */
export class SimSupervision implements Supervision {
  readonly id: string;
  readonly callerLegId: string;
  readonly agentLegId: string;
  readonly supervisorLegId: string;
  mode: SuperviseMode;
  /** Modes in the order they were set (the first is the initial one). */
  readonly modes: SuperviseMode[];
  ended = false;

  constructor(init: { id: string; callerLegId: string; agentLegId: string; supervisorLegId: string; mode: SuperviseMode }) {
    assertMode(init.mode);
    this.id = init.id;
    this.callerLegId = init.callerLegId;
    this.agentLegId = init.agentLegId;
    this.supervisorLegId = init.supervisorLegId;
    this.mode = init.mode;
    this.modes = [init.mode];
  }

  async setMode(mode: SuperviseMode): Promise<void> {
    assertMode(mode);
    if (this.ended) throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `supervision ${this.id} has ended`, { id: this.id });
    if (mode === this.mode) return;
    this.mode = mode;
    this.modes.push(mode);
  }

  /** Ends the supervision; idempotent. The supervisor's leg stays up. */
  async end(): Promise<void> {
    this.ended = true;
  }

  /**
   * Whether the supervision holds `legId`. After a takeover the agent is out of it: the agent's
   * leg is released and its hang-up must not end the caller–supervisor conversation (as on
   * ARI, where the supervisor then sits in the call's bridge).
   */
  involves(legId: string): boolean {
    if (legId === this.agentLegId) return this.mode !== 'takeover';
    return legId === this.callerLegId || legId === this.supervisorLegId;
  }
}

function assertMode(mode: SuperviseMode): void {
  if (!MODES.includes(mode)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `unknown supervise mode ${String(mode)}`);
}
