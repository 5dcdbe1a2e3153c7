import type { SpeechSynthesizer } from '../../ports/speech.ts';
import type { Media, ToneName } from '../../ports/telephony.ts';
import { hotlineError } from '../../core/errors.ts';

// Asterisk splits the `media` parameter on commas, and a sound name becomes a file path:
// names are restricted to a safe alphabet, no `..`, no commas.
const SOUND_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_./-]{0,127}$/;
const DIGITS = /^[0-9*#]{1,64}$/;

/** Asterisk indication names (`indications.conf`) for our tones; `beep` is a sound file. */
const TONES: Record<ToneName, string> = {
  ring: 'tone:ring',
  busy: 'tone:busy',
  congestion: 'tone:congestion',
  dial: 'tone:dial',
  beep: 'sound:beep',
};

/** Throws unless `name` is a sound or recording name safe to put in a media URI. */
export function assertSoundName(name: string, what = 'sound'): void {
  if (!SOUND_NAME.test(name) || name.includes('..')) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `invalid ${what} name`, { name: name.slice(0, 64) });
  }
}

/**
 * Media as ARI media URIs: `sound:<prefix>/<name>`, `digits:`, `number:`, `tone:`, `recording:`;
 * text is rendered by the synthesizer then played as `sound:<name>`. Only schemes Asterisk
 * supports are ever produced — an unsupported scheme would start and never finish (no
 * `PlaybackFinished`), so it must not reach Asterisk.
 */
export async function toMediaUris(
  media: readonly Media[],
  options: { soundPrefix: string; synthesizer?: SpeechSynthesizer },
): Promise<string[]> {
  const uris: string[] = [];
  for (const item of media) {
    switch (item.kind) {
      case 'sound':
        assertSoundName(item.name);
        uris.push(options.soundPrefix ? `sound:${options.soundPrefix}/${item.name}` : `sound:${item.name}`);
        break;
      case 'recording':
        assertSoundName(item.name, 'recording');
        uris.push(`recording:${item.name}`);
        break;
      case 'digits':
        if (!DIGITS.test(item.value)) {
          throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'digits media must be 0-9, * or #', { length: item.value.length });
        }
        uris.push(`digits:${item.value}`);
        break;
      case 'number':
        if (!Number.isFinite(item.value) || !Number.isInteger(item.value)) {
          throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'number media must be an integer', { value: String(item.value) });
        }
        uris.push(`number:${item.value}`);
        break;
      case 'tone': {
        const uri = TONES[item.name];
        if (!uri) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'unknown tone', { tone: String(item.name) });
        uris.push(uri);
        break;
      }
      case 'text': {
        if (!options.synthesizer) {
          throw hotlineError('HOTLINE_ERR_UNSUPPORTED', 'text to speech needs a speech synthesizer on the ARI driver');
        }
        const rendered = await options.synthesizer.render(item.text, item.voice ? { voice: item.voice } : undefined);
        assertSoundName(rendered.name);
        uris.push(`sound:${rendered.name}`);
        break;
      }
      default:
        throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'unknown media kind', { kind: (item as { kind?: unknown }).kind });
    }
  }
  if (uris.length === 0) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'nothing to play');
  return uris;
}
