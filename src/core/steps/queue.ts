import type { QueueStep } from '../flow/types.ts';
import { enterStep, promptState, type StepCompiler } from './step-compiler.ts';

/**
 * `queue`: the caller waits on hold for an agent; `done` once the agent conversation ended,
 * `timeout` after `maxWait`. A resumed wait keeps its deadline (the timer is persisted) and
 * only restarts the music.
 */
export const compileQueue: StepCompiler<QueueStep> = (stepId, step, ctx) => {
  const id = ctx.id(stepId);
  const timerId = `${id}:max-wait`;
  const error = ctx.targetOrUndefined(stepId, step, 'error');
  return {
    id,
    initial: 'announce',
    entry: [enterStep(ctx, stepId, 'queue'), { type: 'startTimer', params: { id: timerId, ms: ctx.ms(step.maxWait, 3_600_000) } }],
    exit: [{ type: 'cancelTimer', params: { id: timerId } }],
    states: {
      announce: promptState(ctx, stepId, step.prompt, `#${id}.waiting`, { bargeIn: false }),
      waiting: {
        tags: ['input'],
        entry: [{ type: 'hold', params: { on: true } }],
        exit: [{ type: 'hold', params: { on: false } }],
        on: { 'session.resumed': { actions: [{ type: 'hold', params: { on: true } }] } },
      },
    },
    on: {
      'timer.fired': { guard: { type: 'isTimer', params: { id: timerId } }, target: ctx.target(stepId, step, 'timeout') },
      'queue.done': { target: ctx.target(stepId, step, 'done') },
      ...(error ? { 'queue.error': { target: error } } : {}),
      'session.resumed': { target: `#${id}.announce` },
    },
  };
};
