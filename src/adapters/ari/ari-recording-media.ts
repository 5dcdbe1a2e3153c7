import { hotlineError } from '../../core/errors.ts';
import type { RecordingMedia } from '../../ports/recordings.ts';
import type { AriClient } from './ari-client.ts';
import { ariStatusOf, asHotlineError } from './ari-errors.ts';
import { assertSimpleName } from './ari-validate.ts';

/**
 * Asterisk's stored recordings as {@link RecordingMedia}: `GET /recordings/stored/{name}/file`
 * and `DELETE /recordings/stored/{name}`. Recording ids are Hotline's recording names on the
 * PBX, so they are checked before they reach a URL (no `/`, no leading `.`).
 *
 * @example
 * const media = new AriRecordingMedia(driver.client);
 * const wav = await media.fetch('rec-1795344152.5-call-1'); // undefined when Asterisk has none
 */
export class AriRecordingMedia implements RecordingMedia {
  readonly #client: AriClient;

  constructor(client: AriClient) {
    this.#client = client;
  }

  async fetch(id: string): Promise<Uint8Array | undefined> {
    assertSimpleName(id, 'recordingId');
    try {
      return await this.#client.getStoredRecordingFile(id);
    } catch (err) {
      const status = ariStatusOf(err);
      if (status === 404) return undefined;
      // 403 here is not authentication: Asterisk found the recording but could not open its file.
      if (status === 403) {
        throw hotlineError('HOTLINE_ERR_PBX', `Asterisk could not open recording ${id}`, { recordingId: id, ariStatus: 403 });
      }
      throw asHotlineError(err);
    }
  }

  async delete(id: string): Promise<void> {
    assertSimpleName(id, 'recordingId');
    try {
      await this.#client.deleteStoredRecording(id);
    } catch (err) {
      if (ariStatusOf(err) !== 404) throw asHotlineError(err);
    }
  }
}
