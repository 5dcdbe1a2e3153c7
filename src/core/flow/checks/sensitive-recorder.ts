import type { Diagnostic } from '../diagnostics.ts';
import type { Check } from './context.ts';
import { isSensitive, ownSensitiveField } from './sensitive.ts';

/**
 * `sensitive-recorder`: a `voicemail` step marked sensitive (or in a sensitive group). It is a
 * recording itself: pausing recordings cannot keep what the caller says out of the message.
 */
export const checkSensitiveRecorder: Check = (ctx) => {
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    if (info.step.type !== 'voicemail' || !isSensitive(info)) continue;
    const own = ownSensitiveField(info);
    const group = own ? undefined : [...info.parents].reverse().find((g) => ownSensitiveField(g));
    out.push(
      ctx.report(own ? `${info.pointer}/${own}` : info.pointer, {
        code: 'sensitive-recorder',
        message: `voicemail step \`${info.id}\` is sensitive${group ? ` (group \`${group.id}\`)` : ''}, but a voicemail is a recording that cannot be paused`,
        hint: 'move the voicemail out of the sensitive part of the flow',
        ...(own ? {} : { atKey: true }),
      }),
    );
  }
  return out;
};
