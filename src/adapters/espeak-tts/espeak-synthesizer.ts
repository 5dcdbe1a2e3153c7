import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hotlineError } from '../../core/errors.ts';
import type { SpeechSynthesizer } from '../../ports/speech.ts';
import { readWavInfo } from '../fs-sounds/wav-header.ts';

/** Runs a program with arguments (never through a shell); rejects on a non-zero exit. */
export type ProgramRunner = (program: string, args: string[]) => Promise<void>;

/** Options of {@link EspeakSynthesizer}. */
export interface EspeakSynthesizerOptions {
  /** Folder the PBX can read as `<sounds>/tts/` (Asterisk `sound:hotline/tts/<key>`, FreeSWITCH `<soundsDir>/tts/<key>.wav`). */
  dir: string;
  /** Sound-name prefix of that folder. Default `tts`. */
  prefix?: string;
  /** espeak-ng voice. Default `en-us`. */
  voice?: string;
  /** Words per minute. Default 150 (the shipped prompts' speed). */
  speed?: number;
  run?: ProgramRunner;
}

/** Longest text rendered; flows speak sentences, not documents. */
const MAX_TEXT = 1000;

/**
 * Text to speech for PBXes that only play files: espeak-ng renders, sox converts to 8 kHz
 * 16-bit mono, the file is cached by a hash of voice and text. The text (possibly from a CRM
 * or the caller) is passed as one argument after `--`, never through a shell.
 */
export class EspeakSynthesizer implements SpeechSynthesizer {
  readonly #dir: string;
  readonly #prefix: string;
  readonly #voice: string;
  readonly #speed: number;
  readonly #run: ProgramRunner;
  readonly #inflight = new Map<string, Promise<{ name: string; durationMs: number }>>();

  constructor(options: EspeakSynthesizerOptions) {
    this.#dir = options.dir;
    this.#prefix = options.prefix ?? 'tts';
    this.#voice = options.voice ?? 'en-us';
    this.#speed = options.speed ?? 150;
    this.#run = options.run ?? runProgram;
  }

  render(text: string, options: { voice?: string } = {}): Promise<{ name: string; durationMs: number }> {
    const voice = options.voice ?? this.#voice;
    if (!/^[A-Za-z0-9+_-]{1,32}$/.test(voice)) return Promise.reject(hotlineError('HOTLINE_ERR_BAD_REQUEST', `invalid voice ${JSON.stringify(voice)}`));
    const clean = text.replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT);
    const key = createHash('sha256').update(`${voice}\0${this.#speed}\0${clean}`).digest('hex').slice(0, 24);
    let job = this.#inflight.get(key);
    if (!job) {
      job = this.#render(key, clean, voice).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, job);
    }
    return job;
  }

  async #render(key: string, text: string, voice: string): Promise<{ name: string; durationMs: number }> {
    const name = `${this.#prefix}/${key}`;
    const file = join(this.#dir, `${key}.wav`);
    const cached = await durationOf(file);
    if (cached !== undefined) return { name, durationMs: cached };
    await mkdir(this.#dir, { recursive: true });
    const tmp = join(this.#dir, `.${key}.${randomUUID()}`);
    try {
      await this.#run('espeak-ng', ['-v', voice, '-s', String(this.#speed), '-w', `${tmp}.raw.wav`, '--', text]);
      await this.#run('sox', [`${tmp}.raw.wav`, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', `${tmp}.wav`]);
      // Rename is atomic: a PBX never plays a half-written file.
      await rename(`${tmp}.wav`, file);
    } finally {
      await rm(`${tmp}.raw.wav`, { force: true });
      await rm(`${tmp}.wav`, { force: true });
    }
    const durationMs = await durationOf(file);
    if (durationMs === undefined) throw hotlineError('HOTLINE_ERR_INTERNAL', 'text to speech produced no audio');
    return { name, durationMs };
  }
}

async function durationOf(file: string): Promise<number | undefined> {
  try {
    await stat(file);
  } catch {
    return undefined;
  }
  const handle = await open(file, 'r');
  try {
    return (await readWavInfo(handle, file)).durationMs;
  } finally {
    await handle.close();
  }
}

/** Spawns without a shell; a missing program is `HOTLINE_ERR_UNSUPPORTED`. */
export function runProgram(program: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'], shell: false });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()).length > 2000 && (stderr = stderr.slice(-2000)));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? hotlineError('HOTLINE_ERR_UNSUPPORTED', `${program} is not installed (text to speech needs espeak-ng and sox)`)
          : hotlineError('HOTLINE_ERR_INTERNAL', `${program} failed to start: ${err.message}`),
      ),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(hotlineError('HOTLINE_ERR_INTERNAL', `${program} exited with ${code}: ${stderr.trim().slice(0, 200)}`))));
  });
}
