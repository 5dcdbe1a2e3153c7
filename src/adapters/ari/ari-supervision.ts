import type { SuperviseMode, Supervision } from '../../ports/telephony.ts';
import type { AriClient } from './ari-client.ts';
import type { AriBridgeHandle } from './ari-bridge.ts';
import { ariStatusOf, asHotlineError } from './ari-errors.ts';

/** Prefix of every snoop channel id Hotline creates. */
export const SNOOP_PREFIX = 'hotline-snoop-';

/** What a supervision needs from its driver. */
export interface AriSupervisionContext {
  client: AriClient;
  app: string;
  createBridge(id: string, purpose: string): Promise<AriBridgeHandle>;
  /** Snoop ids are registered before the request: their StasisStart can beat the REST reply. */
  registerSnoop(snoopId: string, supervisionId: string): void;
  unregisterSnoop(snoopId: string): void;
  hangupLeg(legId: string): Promise<void>;
}

/** Who is where in one supervision. */
export interface AriSupervisionInit {
  supervisionId: string;
  agentLegId: string;
  supervisorLegId: string;
  /** The caller–agent bridge. */
  callBridge: AriBridgeHandle;
}

/**
 * A supervisor on a call, done the way `bridge-snoop.jsonl` does it:
 * - listen: a snoop on the agent (`spy=both`) in a private bridge with the supervisor;
 * - whisper: the same with `whisper=out`, so the agent alone hears the supervisor;
 * - barge: the supervisor joins the call's bridge;
 * - takeover: the supervisor joins the call's bridge and the agent leg is hung up.
 * Switching mode re-creates snoops; the supervisor's leg stays up throughout.
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
  #ended = false;

  constructor(init: AriSupervisionInit, ctx: AriSupervisionContext) {
    this.id = init.supervisionId;
    this.#init = init;
    this.#ctx = ctx;
  }

  /** Snoop channel currently used, if any. */
  get snoopId(): string | undefined {
    return this.#snoopId;
  }

  async setMode(mode: SuperviseMode): Promise<void> {
    if (this.#ended || mode === this.mode) return;
    await this.#removeSnoop();
    if (mode === 'listen' || mode === 'whisper') {
      if (this.#inCallBridge) {
        await this.#init.callBridge.removeLeg(this.#init.supervisorLegId);
        this.#inCallBridge = false;
      }
      await this.#snoop(mode === 'whisper' ? 'out' : 'none');
    } else {
      if (this.#privateBridge) {
        await this.#privateBridge.removeLeg(this.#init.supervisorLegId);
        await this.#privateBridge.destroy();
        this.#privateBridge = undefined;
      }
      if (!this.#inCallBridge) {
        await this.#init.callBridge.addLeg(this.#init.supervisorLegId);
        this.#inCallBridge = true;
      }
      if (mode === 'takeover') await this.#ctx.hangupLeg(this.#init.agentLegId);
    }
    this.mode = mode;
  }

  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await this.#removeSnoop();
    if (this.#privateBridge) {
      await this.#privateBridge.destroy();
      this.#privateBridge = undefined;
    }
    if (this.#inCallBridge) {
      await this.#init.callBridge.removeLeg(this.#init.supervisorLegId);
      this.#inCallBridge = false;
    }
  }

  async #snoop(whisper: 'none' | 'out'): Promise<void> {
    if (!this.#privateBridge) {
      this.#privateBridge = await this.#ctx.createBridge(`sup-${this.id}`, 'supervision');
      await this.#privateBridge.addLeg(this.#init.supervisorLegId);
    }
    const snoopId = `${SNOOP_PREFIX}${this.id}-${++this.#seq}`;
    this.#ctx.registerSnoop(snoopId, this.id);
    try {
      await this.#ctx.client.snoop(this.#init.agentLegId, {
        spy: 'both',
        whisper,
        app: this.#ctx.app,
        appArgs: 'hotline-snoop',
        snoopId,
      });
    } catch (err) {
      this.#ctx.unregisterSnoop(snoopId);
      throw asHotlineError(err);
    }
    this.#snoopId = snoopId;
    await this.#privateBridge.addLeg(snoopId);
  }

  async #removeSnoop(): Promise<void> {
    const snoopId = this.#snoopId;
    if (!snoopId) return;
    this.#snoopId = undefined;
    try {
      await this.#ctx.client.hangup(snoopId);
    } catch (err) {
      if (ariStatusOf(err) !== 404) throw asHotlineError(err);
    }
    this.#ctx.unregisterSnoop(snoopId);
  }
}
