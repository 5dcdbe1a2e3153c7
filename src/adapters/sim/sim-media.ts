import type { Media } from '../../ports/telephony.ts';
import type { SoundLibrary } from '../../ports/sounds.ts';

/**
 * How long the simulated PBX takes to play media. Sounds last their real audio length so a
 * simulated call keeps the timing a caller would hear; synthesized items use rough speaking
 * rates (a TTS engine says about 15 characters a second).
 */
export const SIM_MEDIA_TIMING = {
  textMsPerChar: 65,
  textMinMs: 500,
  digitMs: 500,
  numberWordMs: 700,
  toneMs: 1000,
} as const;

/** Length of one media item in ms, or `undefined` when it cannot be played (unknown sound). */
export function mediaItemDurationMs(media: Media, sounds: SoundLibrary): number | undefined {
  switch (media.kind) {
    case 'sound':
    case 'recording':
      return sounds.has(media.name) ? (sounds.durationMs(media.name) ?? 0) : undefined;
    case 'text':
      return Math.max(SIM_MEDIA_TIMING.textMinMs, media.text.length * SIM_MEDIA_TIMING.textMsPerChar);
    case 'digits':
      return [...media.value].length * SIM_MEDIA_TIMING.digitMs;
    case 'number':
      return spokenWordCount(media.value) * SIM_MEDIA_TIMING.numberWordMs;
    case 'tone':
      return SIM_MEDIA_TIMING.toneMs;
  }
}

/**
 * Total length of a playback, or `undefined` when any item cannot be played: a playback with a
 * missing file fails as a whole, the way the session sees a failed prompt.
 */
export function mediaDurationMs(media: readonly Media[], sounds: SoundLibrary): number | undefined {
  let total = 0;
  for (const item of media) {
    const ms = mediaItemDurationMs(item, sounds);
    if (ms === undefined) return undefined;
    total += ms;
  }
  return total;
}

/**
 * Number of words an English number reader says for `value`:
 * 1234 → "one thousand two hundred thirty four" → 6.
 * @example spokenWordCount(-20.5) // "minus twenty point five" → 4
 */
export function spokenWordCount(value: number): number {
  if (!Number.isFinite(value)) return 1;
  let words = 0;
  if (value < 0) words += 1; // "minus"
  // Beyond 2^53 the reader spells digits; toString() would also switch to exponent notation.
  if (Math.abs(value) >= Number.MAX_SAFE_INTEGER) return words + Math.abs(value).toFixed(0).length;
  const [intPart, fracPart] = Math.abs(value).toString().split('.');
  words += integerWords(BigInt(intPart ?? '0'));
  if (fracPart) words += 1 + fracPart.length; // "point" and one word per digit
  return words;
}

const SCALES = [10n ** 12n, 10n ** 9n, 10n ** 6n, 1000n];

function integerWords(n: bigint): number {
  if (n === 0n) return 1; // "zero"
  let words = 0;
  let rest = n;
  for (const scale of SCALES) {
    if (rest >= scale) {
      words += integerWords(rest / scale) + 1; // "... thousand"
      rest %= scale;
    }
  }
  return words + underThousandWords(Number(rest));
}

function underThousandWords(n: number): number {
  let words = 0;
  if (n >= 100) {
    words += 2; // "three hundred"
    n %= 100;
  }
  if (n === 0) return words;
  if (n < 20) return words + 1;
  return words + (n % 10 === 0 ? 1 : 2); // "forty" / "forty two"
}
