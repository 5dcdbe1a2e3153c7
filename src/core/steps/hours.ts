import type { HoursStep } from '../flow/types.ts';
import { enterStep, type StepCompiler } from './step-compiler.ts';

/**
 * `hours`: asks the session to check the call's clock against the weekly hours and holidays
 * (time is not the machine's to read), then `open`, `closed` or `holiday` (`closed` when the
 * flow has no holiday handler).
 */
export const compileHours: StepCompiler<HoursStep> = (stepId, step, ctx) => {
  const holiday = ctx.targetOrUndefined(stepId, step, 'holiday') ?? ctx.target(stepId, step, 'closed');
  const spec = { timezone: step.timezone, weekly: step.weekly, ...(step.holidays ? { holidays: step.holidays } : {}) };
  return {
    id: ctx.id(stepId),
    entry: [enterStep(ctx, stepId, 'hours'), { type: 'checkHours', params: { step: ctx.id(stepId), spec } }],
    on: {
      'check.result': [
        { guard: { type: 'isPendingWithOutcome', params: { outcome: 'open' } }, target: ctx.target(stepId, step, 'open') },
        { guard: { type: 'isPendingWithOutcome', params: { outcome: 'closed' } }, target: ctx.target(stepId, step, 'closed') },
        { guard: { type: 'isPendingWithOutcome', params: { outcome: 'holiday' } }, target: holiday },
      ],
      'session.resumed': { actions: [{ type: 'checkHours', params: { step: ctx.id(stepId), spec } }] },
    },
  };
};
