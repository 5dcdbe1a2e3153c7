import type { SetStep } from '../flow/types.ts';
import { enterStep, type StepCompiler } from './step-compiler.ts';

/** `set`: assigns call variables (templates rendered in order), then `done`. */
export const compileSet: StepCompiler<SetStep> = (stepId, step, ctx) => ({
  id: ctx.id(stepId),
  entry: [enterStep(ctx, stepId, 'set'), { type: 'setVars', params: { vars: step.vars } }],
  always: { target: ctx.target(stepId, step, 'done') },
});
