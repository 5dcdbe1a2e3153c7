import type { BranchStep } from '../flow/types.ts';
import { enterStep, type StepCompiler } from './step-compiler.ts';

/** `branch`: the first case whose condition holds wins, else `otherwise`. Decided at once. */
export const compileBranch: StepCompiler<BranchStep> = (stepId, step, ctx) => ({
  id: ctx.id(stepId),
  entry: [enterStep(ctx, stepId, 'branch')],
  always: [
    ...step.cases.map((c) => ({ guard: { type: 'condition', params: { when: c.when } }, target: ctx.ref(c.goto) })),
    { target: ctx.target(stepId, step, 'otherwise') },
  ],
});
