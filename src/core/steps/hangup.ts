import type { HangupStep } from '../flow/types.ts';
import { enterStep, promptState, type StepCompiler } from './step-compiler.ts';

/** `hangup`: optional goodbye prompt, then the call ends with outcome `completed`. */
export const compileHangup: StepCompiler<HangupStep> = (stepId, step, ctx) => {
  const id = ctx.id(stepId);
  return {
    id,
    initial: 'prompt',
    entry: [enterStep(ctx, stepId, 'hangup')],
    states: {
      prompt: promptState(ctx, stepId, step.prompt, `#${id}.bye`, { bargeIn: false }),
      bye: {
        entry: [{ type: 'setOutcome', params: { outcome: 'completed' } }, { type: 'hangup', params: { cause: step.cause ?? 'normal' } }],
        always: { target: '#__ended' },
      },
    },
  };
};
