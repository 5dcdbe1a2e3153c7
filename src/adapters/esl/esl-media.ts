import { hotlineError } from '../../core/errors.ts';
import type { Media, ToneName } from '../../ports/telephony.ts';
import type { SpeechSynthesizer } from '../../ports/speech.ts';
import { assertSafeId, assertSoundName } from './esl-escape.ts';

/**
 * Media → the argument of one `playback`. Several items become one `file_string://a!b!c`, so a
 * prompt is one application with one PLAYBACK_START/STOP pair and one barge-in. Digits and
 * numbers are spelled with the `digits/*.wav` files of FreeSWITCH's own English sound set
 * (what `say en number iterated|pronounced` plays), resolved against the channel's
 * `sound_prefix`; the `say` application could not be part of a file_string.
 */

/** Tones as FreeSWITCH `tone_stream://` (North American cadences). */
export const TONES: Record<ToneName, string> = {
  ring: 'tone_stream://%(2000,4000,440,480)',
  busy: 'tone_stream://L=4;%(500,500,480,620)',
  beep: 'tone_stream://%(250,0,1000)',
  congestion: 'tone_stream://L=8;%(250,250,480,620)',
  dial: 'tone_stream://%(5000,0,350,440)',
};

/** Where things live on the FreeSWITCH host. */
export interface MediaPaths {
  soundsDir: string;
  recordingsDir: string;
  synthesizer?: SpeechSynthesizer;
}

const DIGIT_FILES: Record<string, string> = { '*': 'digits/star.wav', '#': 'digits/pound.wav' };
for (let d = 0; d <= 9; d++) DIGIT_FILES[String(d)] = `digits/${d}.wav`;

/** `123` → `digits/1.wav digits/2.wav digits/3.wav`; characters without a file are skipped. */
export function digitFiles(value: string): string[] {
  return [...value].map((c) => DIGIT_FILES[c]).filter((f): f is string => f !== undefined);
}

/** A whole number in English, as mod_say_en pronounces it (`digits/20.wav digits/1.wav`). */
export function numberFiles(value: number): string[] {
  if (!Number.isFinite(value)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'number to say is not finite', { value });
  let n = Math.trunc(Math.abs(value));
  const out: string[] = value < 0 && n > 0 ? ['currency/minus.wav'] : [];
  if (n === 0) return [...out, 'digits/0.wav'];
  if (n >= 1e9) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'number too large to say', { value });
  const group = (g: number): string[] => {
    const files: string[] = [];
    if (g >= 100) {
      files.push(`digits/${Math.floor(g / 100)}.wav`, 'digits/hundred.wav');
      g %= 100;
    }
    if (g >= 20) {
      files.push(`digits/${Math.floor(g / 10) * 10}.wav`);
      g %= 10;
    }
    if (g > 0) files.push(`digits/${g}.wav`);
    return files;
  };
  const millions = Math.floor(n / 1e6);
  const thousands = Math.floor((n % 1e6) / 1e3);
  n %= 1e3;
  if (millions) out.push(...group(millions), 'digits/million.wav');
  if (thousands) out.push(...group(thousands), 'digits/thousand.wav');
  out.push(...group(n));
  return out;
}

/** Resolves every item to file paths (text through the synthesizer) and joins them. */
export async function playbackArgument(media: readonly Media[], paths: MediaPaths): Promise<string> {
  const files: string[] = [];
  for (const item of media) files.push(...(await itemFiles(item, paths)));
  if (files.length === 0) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'nothing to play', {});
  for (const f of files) {
    // `!` separates file_string entries; a line break would end the sendmsg header.
    if (/[!\r\n]/.test(f)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'invalid media path', { path: f });
  }
  return files.length === 1 ? (files[0] as string) : `file_string://${files.join('!')}`;
}

async function itemFiles(item: Media, paths: MediaPaths): Promise<string[]> {
  switch (item.kind) {
    case 'sound':
      return [`${paths.soundsDir}/${assertSoundName(item.name)}.wav`];
    case 'recording':
      return [`${paths.recordingsDir}/${assertSafeId(item.name, 'recording')}.wav`];
    case 'tone': {
      const tone = TONES[item.name];
      if (!tone) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `unknown tone ${String(item.name)}`, {});
      return [tone];
    }
    case 'digits':
      return digitFiles(item.value);
    case 'number':
      return numberFiles(item.value);
    case 'text': {
      if (!paths.synthesizer) {
        throw hotlineError('HOTLINE_ERR_UNSUPPORTED', 'text to speech needs a speech synthesizer on the ESL driver', {});
      }
      const rendered = await paths.synthesizer.render(item.text, item.voice ? { voice: item.voice } : undefined);
      return [`${paths.soundsDir}/${assertSoundName(rendered.name)}.wav`];
    }
    default:
      throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'unknown media kind', { media: item });
  }
}
