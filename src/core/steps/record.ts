import type { RecordStep } from '../flow/types.ts';
import { enterStep, type StepCompiler } from './step-compiler.ts';

/**
 * `record`: asks the call's RecordingService to start, stop, pause or resume the recording of
 * the caller's leg, then `done`. A node without recordings, or a leg that cannot record, is
 * `error`; with no `error` handler the flow carries on at `done` (the session logs a warning),
 * because a recording is never worth dropping a caller for.
 */
export const compileRecord: StepCompiler<RecordStep> = (stepId, step, ctx) => {
  const id = ctx.id(stepId);
  const done = ctx.target(stepId, step, 'done');
  const error = ctx.targetOrUndefined(stepId, step, 'error') ?? done;
  const request = { type: 'recordingRequest', params: { step: id, action: step.action } };
  return {
    id,
    entry: [enterStep(ctx, stepId, 'record'), request],
    on: {
      'recording.applied': { guard: 'isPending', target: done, actions: ['clearPending'] },
      'recording.error': { guard: 'isPending', target: error, actions: ['storeError'] },
      // The answer was lost with the node: ask again (every action is idempotent).
      'session.resumed': { actions: [request] },
    },
  };
};
