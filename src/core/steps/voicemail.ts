import type { VoicemailStep } from '../flow/types.ts';
import { enterStep, promptState, type StepCompiler } from './step-compiler.ts';

/**
 * `voicemail`: prompt, beep, record until `#`, the caller's hang-up or `maxLength`,
 * then `done` with the recording in `vars.voicemail`. A caller who hangs up while recording
 * still leaves the message (the session stops the recording on hang-up).
 */
export const compileVoicemail: StepCompiler<VoicemailStep> = (stepId, step, ctx) => {
  const id = ctx.id(stepId);
  const done = ctx.target(stepId, step, 'done');
  const store = [{ type: 'storeRecording', params: { into: 'voicemail' } }];
  return {
    id,
    initial: 'prompt',
    entry: [enterStep(ctx, stepId, 'voicemail')],
    states: {
      prompt: promptState(ctx, stepId, step.prompt, `#${id}.recording`, { bargeIn: false }),
      recording: {
        tags: ['input'],
        entry: [{ type: 'record', params: { step: id, maxDurationMs: ctx.ms(step.maxLength, 120_000), beep: step.beep ?? true } }],
        on: {
          'recording.done': { guard: 'isPending', target: done, actions: store },
          'recording.failed': { guard: 'isPending', target: done, actions: store },
          // The recording on the PBX ended with the outage; what was said is kept there.
          'session.resumed': { target: done },
        },
      },
    },
  };
};
