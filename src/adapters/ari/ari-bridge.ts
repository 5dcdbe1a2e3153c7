import type { SpeechSynthesizer } from '../../ports/speech.ts';
import type { Bridge, Media, RecordOptions } from '../../ports/telephony.ts';
import { hotlineError } from '../../core/errors.ts';
import type { AriClient } from './ari-client.ts';
import { ariMessageOf, ariStatusOf, asHotlineError, recode } from './ari-errors.ts';
import { recordQuery } from './ari-record.ts';
import { toMediaUris } from './ari-media.ts';
import { assertSimpleName } from './ari-validate.ts';

/** Prefix of every bridge Hotline creates, so orphans can be recognised after a restart. */
export const BRIDGE_PREFIX = 'hotline-';

/** What a bridge needs from its driver. */
export interface AriBridgeContext {
  client: AriClient;
  soundPrefix: string;
  synthesizer?: SpeechSynthesizer;
  bridgeDestroyed(bridge: AriBridgeHandle): void;
}

/**
 * A `mixing` bridge created by Hotline (`POST /bridges?type=mixing`). Tracks its members from
 * our own commands and the `ChannelEnteredBridge` / `ChannelLeftBridge` events.
 */
export class AriBridgeHandle implements Bridge {
  readonly id: string;
  /** Channel ids in the bridge. */
  readonly members = new Set<string>();
  #destroyed = false;
  readonly #ctx: AriBridgeContext;
  readonly #playbacks = new Set<string>();
  /** Recordings started on this bridge (a retried effect must not get 409 from Asterisk). */
  readonly #recordings = new Set<string>();

  constructor(id: string, ctx: AriBridgeContext) {
    this.id = id;
    this.#ctx = ctx;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  async addLeg(legId: string): Promise<void> {
    this.#assertAlive();
    try {
      await this.#ctx.client.addChannel(this.id, legId);
      this.members.add(legId);
    } catch (err) {
      // addChannel answers 400 "Channel not found" for a channel that is gone.
      if (ariStatusOf(err) === 400 && ariMessageOf(err) === 'Channel not found') {
        throw recode(asHotlineError(err), 'HOTLINE_ERR_CALL_ENDED', `leg ${legId} has ended`);
      }
      if (ariStatusOf(err) === 422) throw recode(asHotlineError(err), 'HOTLINE_ERR_ILLEGAL_STATE', `leg ${legId} is not in Stasis`);
      throw asHotlineError(err);
    }
  }

  async removeLeg(legId: string): Promise<void> {
    if (this.#destroyed) return;
    try {
      await this.#ctx.client.removeChannel(this.id, legId);
    } catch (err) {
      const status = ariStatusOf(err);
      // Gone or not in this bridge any more: the leg is out either way.
      if (status !== 400 && status !== 422 && status !== 404) throw asHotlineError(err);
    }
    this.members.delete(legId);
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    try {
      await this.#ctx.client.destroyBridge(this.id);
    } catch (err) {
      if (ariStatusOf(err) !== 404) throw asHotlineError(err);
    }
    this.markDestroyed();
  }

  async startHold(options: { mohClass?: string } = {}): Promise<void> {
    this.#assertAlive();
    if (options.mohClass !== undefined) assertSimpleName(options.mohClass, 'mohClass');
    await this.#wrap(() => this.#ctx.client.startBridgeMoh(this.id, options.mohClass));
  }

  async stopHold(): Promise<void> {
    this.#assertAlive();
    await this.#wrap(() => this.#ctx.client.stopBridgeMoh(this.id));
  }

  async play(media: readonly Media[], options: { playbackId: string }): Promise<void> {
    this.#assertAlive();
    if (this.#playbacks.has(options.playbackId)) return;
    assertSimpleName(options.playbackId, 'playbackId');
    this.#playbacks.add(options.playbackId);
    try {
      const uris = await toMediaUris(media, {
        soundPrefix: this.#ctx.soundPrefix,
        ...(this.#ctx.synthesizer ? { synthesizer: this.#ctx.synthesizer } : {}),
      });
      await this.#wrap(() => this.#ctx.client.playToBridge(this.id, uris, options.playbackId));
    } catch (err) {
      this.#playbacks.delete(options.playbackId);
      throw err;
    }
  }

  /** `POST /bridges/{id}/record`: one file with everyone in the bridge mixed, as in `bridge-snoop.jsonl`. */
  async startRecording(options: RecordOptions): Promise<void> {
    this.#assertAlive();
    const query = recordQuery(options);
    if (this.#recordings.has(options.recordingId)) return;
    this.#recordings.add(options.recordingId);
    try {
      await this.#wrap(() => this.#ctx.client.recordBridge(this.id, query));
    } catch (err) {
      this.#recordings.delete(options.recordingId);
      throw err;
    }
  }

  /** Stops and stores the recording; idempotent (a recording already gone resolves). */
  async stopRecording(recordingId: string): Promise<void> {
    assertSimpleName(recordingId, 'recordingId');
    this.#recordings.delete(recordingId);
    try {
      await this.#ctx.client.stopRecording(recordingId);
    } catch (err) {
      if (ariStatusOf(err) !== 404) throw asHotlineError(err);
    }
  }

  async pauseRecording(recordingId: string): Promise<void> {
    assertSimpleName(recordingId, 'recordingId');
    await this.#wrap(() => this.#ctx.client.pauseRecording(recordingId));
  }

  async resumeRecording(recordingId: string): Promise<void> {
    assertSimpleName(recordingId, 'recordingId');
    await this.#wrap(() => this.#ctx.client.unpauseRecording(recordingId));
  }

  /** `POST /recordings/live/{name}/mute`: silence is recorded, so the file keeps its timeline (PCI pause). */
  async muteRecording(recordingId: string): Promise<void> {
    assertSimpleName(recordingId, 'recordingId');
    await this.#wrap(() => this.#ctx.client.muteRecording(recordingId));
  }

  async unmuteRecording(recordingId: string): Promise<void> {
    assertSimpleName(recordingId, 'recordingId');
    await this.#wrap(() => this.#ctx.client.unmuteRecording(recordingId));
  }

  /** @internal The bridge is gone on the PBX (`BridgeDestroyed` or our own destroy). */
  markDestroyed(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.members.clear();
    this.#ctx.bridgeDestroyed(this);
  }

  async #wrap<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw asHotlineError(err);
    }
  }

  #assertAlive(): void {
    if (this.#destroyed) throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `bridge ${this.id} was destroyed`, { bridgeId: this.id });
  }
}
