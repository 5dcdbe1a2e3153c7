import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { SoundLibrary } from '../../ports/sounds.ts';
import { hotlineError } from '../../core/errors.ts';
import { readWavInfo, type WavInfo } from './wav-header.ts';

/** A prompt on disk. */
export interface FsSound {
  name: string;
  /** Absolute path of the WAV file. */
  file: string;
  info: WavInfo;
}

/**
 * The prompts in a directory of WAV files (`sounds/`). A prompt's name is its path relative to
 * the directory without `.wav`, with `/` separators: `sounds/menus/main.wav` is `menus/main`.
 * Lengths come from each file's header, read once at load.
 *
 * @example
 * const sounds = await FsSoundLibrary.load('sounds');
 * sounds.durationMs('welcome'); // 2480
 */
export class FsSoundLibrary implements SoundLibrary {
  readonly dir: string;
  readonly #sounds: Map<string, FsSound>;

  private constructor(dir: string, sounds: Map<string, FsSound>) {
    this.dir = dir;
    this.#sounds = sounds;
  }

  /**
   * Scans `dir` recursively for `.wav` files (hidden files and folders are skipped).
   * @throws `HOTLINE_ERR_CONFIG` when the directory cannot be read or a WAV file is malformed —
   * better to refuse to start than to time prompts wrongly.
   */
  static async load(dir: string): Promise<FsSoundLibrary> {
    const root = path.resolve(dir);
    let entries: string[];
    try {
      entries = await listWavFiles(root);
    } catch (err) {
      throw hotlineError('HOTLINE_ERR_CONFIG', `cannot read the sounds directory ${root}`, { dir: root }, err);
    }
    const sounds = new Map<string, FsSound>();
    for (const rel of entries.sort()) {
      const file = path.join(root, rel);
      const handle = await open(file, 'r');
      try {
        const info = await readWavInfo(handle, rel);
        const name = rel.slice(0, -'.wav'.length).split(path.sep).join('/');
        sounds.set(name, { name, file, info });
      } finally {
        await handle.close();
      }
    }
    return new FsSoundLibrary(root, sounds);
  }

  has(name: string): boolean {
    return this.#sounds.has(name);
  }

  durationMs(name: string): number | undefined {
    return this.#sounds.get(name)?.info.durationMs;
  }

  names(): string[] {
    return [...this.#sounds.keys()];
  }

  /** The file and header of a prompt (drivers that play by path). */
  get(name: string): FsSound | undefined {
    return this.#sounds.get(name);
  }
}

async function listWavFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const child = path.join(rel, entry.name);
    if (entry.isDirectory()) out.push(...(await listWavFiles(root, child)));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.wav')) out.push(child);
  }
  return out;
}
