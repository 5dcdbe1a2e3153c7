import type { Clock } from '../../ports/clock.ts';
import type { RecordOptions } from '../../ports/telephony.ts';
import { hotlineError } from '../errors.ts';

/** A leg or a bridge: anything with the port's recording methods. */
export interface RecordingHandle {
  /**
   * The handle's own clock, when it has one (a simulated leg): paused intervals are stamped on
   * it so they line up with the PBX's own record of the file. Others use the service's clock.
   */
  readonly clock?: Clock;
  startRecording?(o: RecordOptions): Promise<void>;
  stopRecording?(id: string): Promise<void>;
  muteRecording?(id: string): Promise<void>;
  unmuteRecording?(id: string): Promise<void>;
  pauseRecording?(id: string): Promise<void>;
  resumeRecording?(id: string): Promise<void>;
}

/**
 * Silences (`on`) or restores a recording. Muting keeps the file's timeline with silence in the
 * gap (what a PCI pause wants); a handle without mute falls back to pausing.
 * @throws `HOTLINE_ERR_UNSUPPORTED` when the handle can do neither.
 */
export async function silence(handle: RecordingHandle, id: string, on: boolean): Promise<void> {
  if (handle.muteRecording && handle.unmuteRecording) {
    await (on ? handle.muteRecording(id) : handle.unmuteRecording(id));
    return;
  }
  if (handle.pauseRecording && handle.resumeRecording) {
    await (on ? handle.pauseRecording(id) : handle.resumeRecording(id));
    return;
  }
  throw hotlineError('HOTLINE_ERR_UNSUPPORTED', `recording ${id} cannot be paused on this PBX`, { recordingId: id });
}
