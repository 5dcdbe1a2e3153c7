import type { TransferStep } from '../flow/types.ts';
import { enterStep, promptState, type StepCompiler } from './step-compiler.ts';

/**
 * `transfer`: optional prompt, then hands the call to a number or endpoint. The session refuses
 * targets the allowlist does not permit (`error`); a completed transfer ends the session.
 */
export const compileTransfer: StepCompiler<TransferStep> = (stepId, step, ctx) => {
  const id = ctx.id(stepId);
  return {
    id,
    initial: 'prompt',
    entry: [enterStep(ctx, stepId, 'transfer')],
    states: {
      prompt: promptState(ctx, stepId, step.prompt, `#${id}.transferring`, { bargeIn: false }),
      transferring: {
        entry: [{ type: 'transfer', params: { step: id, to: step.to } }],
        on: {
          'transfer.done': { guard: 'isPending', target: '#__ended', actions: [{ type: 'setOutcome', params: { outcome: 'transferred' } }] },
          'transfer.failed': { guard: 'isPending', target: ctx.target(stepId, step, 'error'), actions: ['storeError'] },
          'session.resumed': { actions: [{ type: 'transfer', params: { step: id, to: step.to } }] },
        },
      },
    },
  };
};
