import { readFile } from 'node:fs/promises';
import type { Logger } from '../../ports/logger.ts';
import type { SoundLibrary } from '../../ports/sounds.ts';
import { decodeWavForSim } from './sim-wav.ts';

/** Finds the WAV file behind a prompt name, when the library has files. */
export type SoundFileLocator = (name: string) => string | undefined;

/**
 * The file locator of a sound library that has files (`FsSoundLibrary.get(name).file`),
 * recognised by shape so the port stays free of paths; undefined for libraries without files.
 */
export function soundFileLocator(sounds: SoundLibrary): SoundFileLocator | undefined {
  const withFiles = sounds as SoundLibrary & { get?: (name: string) => { file?: unknown } | undefined };
  if (typeof withFiles.get !== 'function') return undefined;
  return (name) => {
    const file = withFiles.get?.(name)?.file;
    return typeof file === 'string' ? file : undefined;
  };
}

/**
 * Prompt audio for the recording renderer: each prompt's file read and converted to 8 kHz mono
 * once, then kept (the shipped prompts are a few MB). A file that cannot be decoded is logged
 * once and rendered as a stand-in voice instead.
 */
export class SimSoundSamples {
  readonly #locate: SoundFileLocator | undefined;
  readonly #logger: Logger;
  readonly #cache = new Map<string, Int16Array | null>();
  readonly #loading = new Map<string, Promise<void>>();

  constructor(locate: SoundFileLocator | undefined, logger: Logger) {
    this.#locate = locate;
    this.#logger = logger;
  }

  /** Reads the prompts not read yet. */
  async load(names: Iterable<string>): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const name of new Set(names)) {
      if (this.#cache.has(name)) continue;
      let job = this.#loading.get(name);
      if (!job) {
        job = this.#read(name).finally(() => this.#loading.delete(name));
        this.#loading.set(name, job);
      }
      jobs.push(job);
    }
    await Promise.all(jobs);
  }

  /** Samples of a loaded prompt; undefined when it has no readable file. */
  get(name: string): Int16Array | undefined {
    return this.#cache.get(name) ?? undefined;
  }

  async #read(name: string): Promise<void> {
    const file = this.#locate?.(name);
    if (!file) {
      this.#cache.set(name, null);
      return;
    }
    try {
      this.#cache.set(name, decodeWavForSim(await readFile(file)));
    } catch (err) {
      this.#logger.warn({ err, sound: name }, 'sim: cannot decode a prompt for recordings; using a stand-in');
      this.#cache.set(name, null);
    }
  }
}
