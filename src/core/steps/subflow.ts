import type { ReturnStep, SubflowStep } from '../flow/types.ts';
import { enterStep, type StepCompiler } from './step-compiler.ts';

/** `subflow`: runs another flow inline (compiled into this machine) and comes back. */
export const compileSubflow: StepCompiler<SubflowStep> = (stepId, step, ctx) => ctx.compileSubflow(stepId, step);

/** `return`: ends a sub-flow; the calling `subflow` step handles `outcome` (default `done`). */
export const compileReturn: StepCompiler<ReturnStep> = (stepId, step, ctx) => ({
  id: ctx.id(stepId),
  entry: [enterStep(ctx, stepId, 'return'), { type: 'setOutcome', params: { outcome: step.outcome ?? 'done' } }],
  always: { target: ctx.returnTarget(step.outcome ?? 'done') },
});
