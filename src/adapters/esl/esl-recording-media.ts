import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { hotlineError } from '../../core/errors.ts';
import type { RecordingMedia } from '../../ports/recordings.ts';
import { assertSafeId } from './esl-escape.ts';

/**
 * FreeSWITCH's recordings as {@link RecordingMedia}, read from a directory Hotline can see:
 * FreeSWITCH writes `<recordingsDir>/<id>.wav` on its side, and `dir` is the same folder from
 * Hotline's side (a shared volume). Ids are checked before they become a path (no `/`, no
 * leading `.`), so nothing outside `dir` is ever read or deleted.
 *
 * @example
 * const media = new EslRecordingMedia('/var/lib/hotline/recordings');
 * const wav = await media.fetch('rec-3c1d…-call-1');
 */
export class EslRecordingMedia implements RecordingMedia {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Where the audio of `id` is on Hotline's side. */
  pathOf(id: string): string {
    return join(this.#dir, `${assertSafeId(id, 'recordingId')}.wav`);
  }

  async fetch(id: string): Promise<Uint8Array | undefined> {
    const path = this.pathOf(id);
    try {
      return new Uint8Array(await readFile(path));
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return undefined;
      throw hotlineError('HOTLINE_ERR_PBX', `cannot read recording ${id}`, { recordingId: id, errno: errnoOf(err) }, err);
    }
  }

  async delete(id: string): Promise<void> {
    const path = this.pathOf(id);
    try {
      await unlink(path);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return;
      throw hotlineError('HOTLINE_ERR_PBX', `cannot delete recording ${id}`, { recordingId: id, errno: errnoOf(err) }, err);
    }
  }
}

function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
