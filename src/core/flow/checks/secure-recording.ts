import type { Diagnostic } from '../diagnostics.ts';
import type { Check } from './context.ts';
import { ownSensitiveField, recorderOf } from './sensitive.ts';

/**
 * `sensitive-unpausable`: a flow that records the caller (a `record` step that starts, or a
 * queue with a recording policy) and takes sensitive input, on a PBX that cannot pause
 * recordings (`options.recordingPause: false`). Hotline pauses recordings around sensitive
 * steps by itself; where it cannot, card numbers would be in the file.
 */
export const checkSecureRecording: Check = (ctx) => {
  if (ctx.options.recordingPause !== false) return [];
  const recorder = recorderOf(ctx);
  if (!recorder) return [];
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    const field = ownSensitiveField(info);
    if (!field) continue;
    out.push(
      ctx.report(`${info.pointer}/${field}`, {
        code: 'sensitive-unpausable',
        message: `step \`${info.id}\` takes ${field} input while the flow records the call (${recorder.why}), and this PBX cannot pause recordings`,
        hint: 'do not record this flow, or run it on a PBX that can pause (mute) recordings',
      }),
    );
  }
  return out;
};
