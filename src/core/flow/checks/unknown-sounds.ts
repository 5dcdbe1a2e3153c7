import type { Diagnostic } from '../diagnostics.ts';
import { didYouMean } from '../suggest.ts';
import { promptItemsOf } from './context.ts';
import type { Check } from './context.ts';

/** Sound prompts (bare strings and `{sound}`) exist in the sound library, when one is given. */
export const checkUnknownSounds: Check = (ctx) => {
  const sounds = ctx.options.sounds;
  if (!sounds) return [];
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    for (const { item, pointer } of promptItemsOf(info)) {
      const isBare = typeof item === 'string';
      const name = isBare ? item : typeof item === 'object' && item !== null && 'sound' in item ? (item as { sound: unknown }).sound : undefined;
      if (typeof name !== 'string' || sounds.has(name)) continue;
      out.push(
        ctx.report(isBare ? pointer : `${pointer}/sound`, {
          code: 'unknown-sound',
          message: `unknown sound \`${name}\` in step \`${info.id}\``,
          hint: didYouMean(name, sounds.names()) ?? `add sounds/${name}.wav, or speak the text with \`{ say: "..." }\``,
        }),
      );
    }
  }
  return out;
};
