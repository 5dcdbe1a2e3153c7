import { hotlineError } from '../../core/errors.ts';
import type { SuperviseMode, Supervision } from '../../ports/telephony.ts';
import type { AriClient, SnoopDirection } from './ari-client.ts';
import type { AriBridgeHandle } from './ari-bridge.ts';
import { ariStatusOf, asHotlineError } from './ari-errors.ts';

/** Prefix of every snoop channel id Hotline creates. */
export const SNOOP_PREFIX = 'hotline-snoop-';

const MODES: readonly SuperviseMode[] = ['listen', 'whisper', 'barge', 'takeover'];

/** What a supervision needs from its driver. */
export interface AriSupervisionContext {
  client: AriClient;
  app: string;
  createBridge(id: string, purpose: string): Promise<AriBridgeHandle>;
  /** Snoop ids are registered before the request: their StasisStart can beat the REST reply. */
  registerSnoop(snoopId: string, supervisionId: string): void;
  unregisterSnoop(snoopId: string): void;
  hangupLeg(legId: string): Promise<void>;
  /** The supervision ended (by `end()` or because one of its legs went away). */
  ended(supervision: AriSupervision): void;
}

/** Who is where in one supervision. */
export interface AriSupervisionInit {
  supervisionId: string;
  callerLegId: string;
  agentLegId: string;
  supervisorLegId: string;
  /** The caller–agent bridge. */
  callBridge: AriBridgeHandle;
}

/**
 * A supervisor on a call, built from the pieces `bridge-snoop.jsonl` shows:
 * - listen: a snoop on the agent (`spy=both whisper=none`) in a private bridge with the supervisor;
 * - whisper: the same snoop with `whisper=out`: injected towards the agent only, so the caller
 *   never hears the supervisor;
 * - barge: the supervisor joins the call's bridge (everyone hears everyone);
 * - takeover: as barge, then the agent leg is hung up.
 * Switching between listen and whisper makes the new snoop before breaking the old one, so the
 * supervisor never drops out; no switch ever hangs up the supervisor's leg.
 */
export class AriSupervision implements Supervision {
  readonly id: string;
  mode: SuperviseMode | undefined;
  readonly #init: AriSupervisionInit;
  readonly #ctx: AriSupervisionContext;
  #snoopId: string | undefined;
  #privateBridge: AriBridgeHandle | undefined;
  #inCallBridge = false;
  #seq = 0;
  #bridgeSeq = 0;
  #ended = false;
  /** Mode changes run one at a time: a second PATCH waits for the first. */
  #chain: Promise<void> = Promise.resolve();

  constructor(init: AriSupervisionInit, ctx: AriSupervisionContext) {
    this.id = init.supervisionId;
    this.#init = init;
    this.#ctx = ctx;
  }

  /** Snoop channel currently used, if any. */
  get snoopId(): string | undefined {
    return this.#snoopId;
  }

  get ended(): boolean {
    return this.#ended;
  }

  setMode(mode: SuperviseMode): Promise<void> {
    if (!MODES.includes(mode)) return Promise.reject(hotlineError('HOTLINE_ERR_BAD_REQUEST', 'unknown supervise mode', { mode: String(mode).slice(0, 16) }));
    const run = this.#chain.then(() => this.#setMode(mode));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Stops supervising: snoop hung up, private bridge destroyed, supervisor out of the call. Its leg stays up. */
  end(): Promise<void> {
    const run = this.#chain.then(() => this.#end());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /**
   * A leg went away. The caller or the supervisor ends the supervision; the agent too, unless
   * takeover hung it up on purpose. Returns true when this supervision ends because of it.
   * @internal
   */
  legGone(legId: string): boolean {
    if (this.#ended) return false;
    const { callerLegId, agentLegId, supervisorLegId } = this.#init;
    const ends = legId === callerLegId || legId === supervisorLegId || (legId === agentLegId && this.mode !== 'takeover');
    if (ends) void this.end().catch(() => undefined);
    return ends;
  }

  async #setMode(mode: SuperviseMode): Promise<void> {
    if (this.#ended) throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `supervision ${this.id} has ended`, { supervisionId: this.id });
    if (mode === this.mode) return;
    if (this.mode === 'takeover') {
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', 'the agent left the call at takeover; only end() is possible', { supervisionId: this.id });
    }
    if (mode === 'listen' || mode === 'whisper') {
      await this.#snoop(mode === 'whisper' ? 'out' : 'none');
    } else {
      if (this.#privateBridge) await this.#privateBridge.removeLeg(this.#init.supervisorLegId);
      if (!this.#inCallBridge) {
        await this.#init.callBridge.addLeg(this.#init.supervisorLegId);
        this.#inCallBridge = true;
      }
      await this.#removeSnoop();
      await this.#destroyPrivateBridge();
      if (mode === 'takeover') {
        // Set first: the agent's hang-up must not read as "the call ended".
        this.mode = mode;
        await this.#ctx.hangupLeg(this.#init.agentLegId);
      }
    }
    this.mode = mode;
  }

  async #end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    try {
      await this.#removeSnoop();
      if (this.#privateBridge) await this.#privateBridge.removeLeg(this.#init.supervisorLegId);
      await this.#destroyPrivateBridge();
      if (this.#inCallBridge) {
        this.#inCallBridge = false;
        await this.#init.callBridge.removeLeg(this.#init.supervisorLegId);
      }
    } finally {
      this.#ctx.ended(this);
    }
  }

  /** A new snoop with `whisper`, bridged with the supervisor; then the previous snoop goes. */
  async #snoop(whisper: SnoopDirection): Promise<void> {
    // A fresh id each time: the BridgeDestroyed of an earlier private bridge can arrive late.
    if (!this.#privateBridge) this.#privateBridge = await this.#ctx.createBridge(`sup-${this.id}-${++this.#bridgeSeq}`, 'supervision');
    const previous = this.#snoopId;
    const snoopId = `${SNOOP_PREFIX}${this.id}-${++this.#seq}`;
    this.#ctx.registerSnoop(snoopId, this.id);
    try {
      await this.#ctx.client.snoop(this.#init.agentLegId, snoopId, { spy: 'both', whisper, app: this.#ctx.app, appArgs: 'hotline-snoop' });
    } catch (err) {
      this.#ctx.unregisterSnoop(snoopId);
      throw asHotlineError(err);
    }
    this.#snoopId = snoopId;
    try {
      await this.#privateBridge.addLeg(snoopId);
      if (this.#inCallBridge) {
        await this.#init.callBridge.removeLeg(this.#init.supervisorLegId);
        this.#inCallBridge = false;
      }
      if (!this.#privateBridge.members.has(this.#init.supervisorLegId)) await this.#privateBridge.addLeg(this.#init.supervisorLegId);
    } finally {
      if (previous) await this.#hangupSnoop(previous);
    }
  }

  async #removeSnoop(): Promise<void> {
    const snoopId = this.#snoopId;
    if (!snoopId) return;
    this.#snoopId = undefined;
    await this.#hangupSnoop(snoopId);
  }

  async #hangupSnoop(snoopId: string): Promise<void> {
    try {
      await this.#ctx.client.hangup(snoopId);
    } catch (err) {
      if (ariStatusOf(err) !== 404) throw asHotlineError(err);
    } finally {
      this.#ctx.unregisterSnoop(snoopId);
    }
  }

  async #destroyPrivateBridge(): Promise<void> {
    const bridge = this.#privateBridge;
    if (!bridge) return;
    this.#privateBridge = undefined;
    await bridge.destroy();
  }
}
