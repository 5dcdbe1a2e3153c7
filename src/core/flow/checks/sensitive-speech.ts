import type { Diagnostic } from '../diagnostics.ts';
import type { Check } from './context.ts';
import { isSensitive } from './sensitive.ts';

/**
 * `sensitive-speech`: a sensitive `menu` (by itself or in a sensitive group) that listens for
 * speech: the recognizer, a cloud service, would hear and transcribe the sensitive answer.
 */
export const checkSensitiveSpeech: Check = (ctx) => {
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    if (info.step.type !== 'menu' || info.step.speech === undefined || !isSensitive(info)) continue;
    out.push(
      ctx.report(`${info.pointer}/speech`, {
        code: 'sensitive-speech',
        message: `sensitive step \`${info.id}\` enables speech: the recognizer would transcribe the sensitive answer`,
        hint: 'remove `speech` from this menu (keys only), or do not mark it sensitive',
      }),
    );
  }
  return out;
};
