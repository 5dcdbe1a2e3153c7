import type { Diagnostic } from '../diagnostics.ts';
import type { Check } from './context.ts';

/**
 * Warns when a flow records the call and also collects secure or sensitive input, since card
 * numbers and PINs would end up in the recording. Flows have no `record` step kind yet, so this
 * keys on a step of type `record` appearing in the document (the schema rejects it today); once
 * that kind exists, flows that use it get this warning without further changes here.
 */
export const checkSecureRecording: Check = (ctx) => {
  const recorder = ctx.steps.find((s) => (s.step.type as string) === 'record');
  if (!recorder) return [];
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    const step = info.step as { type: string; secure?: boolean; sensitive?: boolean };
    const field = step.type === 'gather' && step.secure ? 'secure' : step.sensitive ? 'sensitive' : undefined;
    if (!field) continue;
    out.push(
      ctx.report(`${info.pointer}/${field}`, {
        severity: 'warning',
        code: 'secure-recording',
        message: `step \`${info.id}\` takes ${field} input while the flow records the call (step \`${recorder.id}\`)`,
        hint: 'pause the recording around sensitive input, or do not record this flow',
      }),
    );
  }
  return out;
};
