import type { PlayStep } from '../flow/types.ts';
import { enterStep, type StepCompiler } from './step-compiler.ts';

/**
 * `play`: plays its prompt, then `done`. A prompt that fails (missing file) still ends in `done`
 * so the caller never sits in silence. On resume an unfinished prompt is played again.
 */
export const compilePlay: StepCompiler<PlayStep> = (stepId, step, ctx) => ({
  id: ctx.id(stepId),
  entry: [enterStep(ctx, stepId, 'play'), { type: 'play', params: { step: ctx.id(stepId), prompt: step.prompt, bargeIn: step.bargeIn ?? false } }],
  exit: ['stopPlay'],
  on: {
    'prompt.done': { guard: 'isCurrentPlayback', target: ctx.target(stepId, step, 'done'), actions: ['clearPlaying'] },
    // Resumed mid-prompt: its end was never seen, so it plays again (a new playback id).
    'session.resumed': { actions: [{ type: 'play', params: { step: ctx.id(stepId), prompt: step.prompt, bargeIn: step.bargeIn ?? false } }] },
  },
});
