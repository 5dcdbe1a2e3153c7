import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from '../../ports/logger.ts';
import type { RecordingMedia } from '../../ports/recordings.ts';
import { hotlineError } from '../../core/errors.ts';

/** Recording ids the simulator turns into file names; nothing else is ever joined to the path. */
const RECORDING_ID = /^[A-Za-z0-9_.-]{1,100}$/;

/** Default directory: one per process and driver, so parallel test runs never share files. */
export function defaultSimRecordingsDir(): string {
  return path.join(tmpdir(), `hotline-sim-recordings-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Throws `HOTLINE_ERR_BAD_REQUEST` unless `id` is 1–100 of `[A-Za-z0-9_.-]` and not `.`/`..`.
 */
export function assertRecordingId(id: string): void {
  if (typeof id !== 'string' || !RECORDING_ID.test(id) || id === '.' || id === '..') {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'recording ids are 1 to 100 letters, digits, `_`, `.` or `-`', { field: 'recordingId' });
  }
}

/**
 * The simulated PBX's recordings on disk: `<dir>/<id>.wav`, written when a recording ends.
 * Rendering takes a moment, so `fetch` and `delete` wait for a write still under way: a caller
 * reacting to `recording.done` gets the finished file.
 */
export class SimRecordingFiles implements RecordingMedia {
  readonly dir: string;
  readonly #logger: Logger;
  readonly #pending = new Map<string, Promise<void>>();

  constructor(dir: string, logger: Logger) {
    this.dir = path.resolve(dir);
    this.#logger = logger;
  }

  /**
   * Writes the audio `produce` returns as recording `id`. Resolves once written; a failure is
   * logged (the recording then has no audio) and never rejects: the call goes on.
   */
  save(id: string, produce: () => Promise<Uint8Array>): Promise<void> {
    assertRecordingId(id);
    const previous = this.#pending.get(id) ?? Promise.resolve();
    const job = previous
      .then(async () => {
        const bytes = await produce();
        await mkdir(this.dir, { recursive: true });
        await writeFile(this.#file(id), bytes);
      })
      .catch((err: unknown) => this.#logger.error({ err, recordingId: id }, 'sim: cannot write a recording'))
      .finally(() => {
        if (this.#pending.get(id) === job) this.#pending.delete(id);
      });
    this.#pending.set(id, job);
    return job;
  }

  async fetch(id: string): Promise<Uint8Array | undefined> {
    assertRecordingId(id);
    await this.#pending.get(id);
    try {
      return new Uint8Array(await readFile(this.#file(id)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw hotlineError('HOTLINE_ERR_PBX', `cannot read recording ${id}`, { recordingId: id }, err);
    }
  }

  async delete(id: string): Promise<void> {
    assertRecordingId(id);
    await this.#pending.get(id);
    try {
      await rm(this.#file(id), { force: true });
    } catch (err) {
      throw hotlineError('HOTLINE_ERR_PBX', `cannot delete recording ${id}`, { recordingId: id }, err);
    }
  }

  /** Resolves when every write under way has finished (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending.values()]);
  }

  /** Removes the directory and every recording in it (a driver's own temporary directory). */
  removeAll(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  #file(id: string): string {
    return path.join(this.dir, `${id}.wav`);
  }
}
