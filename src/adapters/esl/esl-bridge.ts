import { hotlineError, isHotlineError } from '../../core/errors.ts';
import type { Bridge, RecordOptions } from '../../ports/telephony.ts';
import { assertSafeId, assertUuid } from './esl-escape.ts';

/**
 * A two-party bridge on `uuid_bridge`. FreeSWITCH bridges channels pairwise; mixing more than two
 * needs a conference (mod_conference), which this driver does not drive yet, so a third leg is
 * `HOTLINE_ERR_UNSUPPORTED`. Both legs get `park_after_bridge=true` so a leg whose partner leaves
 * waits parked for Hotline instead of hanging up or running on in the dialplan.
 *
 * Recording the bridge records its first leg (the caller, whom the core adds first) with
 * `uuid_record <uuid> start <path>`: FreeSWITCH's media bug hears both directions, so the file
 * is the conversation; mute is `mask`, unmute `unmask` (silence keeps the timeline), as in
 * `record.jsonl`.
 */
export class EslBridge implements Bridge {
  readonly id: string;
  readonly #api: (cmd: string) => Promise<string>;
  readonly #recordingsDir: string;
  /** Running recordings: id → the leg recorded and the file FreeSWITCH writes. */
  readonly #recordings = new Map<string, { uuid: string; path: string }>();
  #legs: string[] = [];
  #bridged = false;
  #destroyed = false;

  constructor(id: string, api: (cmd: string) => Promise<string>, options: { recordingsDir?: string } = {}) {
    this.id = id;
    this.#api = api;
    this.#recordingsDir = options.recordingsDir ?? '$${recordings_dir}/hotline';
  }

  get legs(): readonly string[] {
    return this.#legs;
  }

  async addLeg(legId: string): Promise<void> {
    assertUuid(legId);
    if (this.#destroyed) throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `bridge ${this.id} is destroyed`, { bridgeId: this.id });
    if (this.#legs.includes(legId)) return;
    if (this.#legs.length >= 2) {
      throw hotlineError('HOTLINE_ERR_UNSUPPORTED', 'the ESL driver bridges two legs (uuid_bridge); conferences are not supported yet', {
        bridgeId: this.id,
      });
    }
    await this.#api(`uuid_setvar ${legId} park_after_bridge true`);
    this.#legs.push(legId);
    if (this.#legs.length === 2) {
      const [a, b] = this.#legs as [string, string];
      try {
        await this.#api(`uuid_bridge ${a} ${b}`);
      } catch (err) {
        this.#legs.pop();
        throw err;
      }
      this.#bridged = true;
    }
  }

  async removeLeg(legId: string): Promise<void> {
    if (!this.#legs.includes(legId)) return;
    this.#legs = this.#legs.filter((l) => l !== legId);
    if (this.#bridged) {
      this.#bridged = false;
      // Parking one side breaks the bridge; the other parks thanks to park_after_bridge.
      await this.#api(`uuid_transfer ${legId} park inline`).catch(() => {});
    }
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    const [a] = this.#legs;
    if (this.#bridged && a) await this.#api(`uuid_transfer ${a} -both park inline`).catch(() => {});
    this.#bridged = false;
    this.#legs = [];
  }

  async startRecording(options: RecordOptions): Promise<void> {
    const id = assertSafeId(options.recordingId, 'recordingId');
    if (this.#recordings.has(id)) return;
    if (this.#destroyed) throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `bridge ${this.id} is destroyed`, { bridgeId: this.id });
    if (options.terminateOn !== undefined) {
      throw hotlineError('HOTLINE_ERR_UNSUPPORTED', 'a bridge recording cannot end on a digit on FreeSWITCH', { bridgeId: this.id });
    }
    const uuid = this.#legs[0];
    if (!uuid) throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `bridge ${this.id} has no leg to record`, { bridgeId: this.id });
    const path = `${this.#recordingsDir}/${id}.wav`;
    const limit = options.maxDurationMs ? ` ${Math.max(1, Math.ceil(options.maxDurationMs / 1000))}` : '';
    this.#recordings.set(id, { uuid, path });
    try {
      await this.#api(`uuid_record ${uuid} start ${path}${limit}`);
    } catch (err) {
      this.#recordings.delete(id);
      throw err;
    }
  }

  /** Stops the recording; idempotent (a recording that already ended, e.g. at hang-up, resolves). */
  async stopRecording(recordingId: string): Promise<void> {
    const rec = this.#recordings.get(assertSafeId(recordingId, 'recordingId'));
    if (!rec) return;
    this.#recordings.delete(recordingId);
    try {
      await this.#api(`uuid_record ${rec.uuid} stop ${rec.path}`);
    } catch (err) {
      // `-ERR Cannot stop record session!` (not recording any more) or the leg is gone.
      const gone = isHotlineError(err, 'HOTLINE_ERR_CALL_ENDED') || (isHotlineError(err) && /Cannot stop record session/.test(String(err.details?.['reply'])));
      if (!gone) throw err;
    }
  }

  async muteRecording(recordingId: string): Promise<void> {
    await this.#mask(recordingId, 'mask');
  }

  async unmuteRecording(recordingId: string): Promise<void> {
    await this.#mask(recordingId, 'unmask');
  }

  async #mask(recordingId: string, action: 'mask' | 'unmask'): Promise<void> {
    const rec = this.#recordings.get(assertSafeId(recordingId, 'recordingId'));
    if (!rec) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `no active recording ${recordingId}`, { recordingId, bridgeId: this.id });
    await this.#api(`uuid_record ${rec.uuid} ${action} ${rec.path}`);
  }
}
