import type { GatherStep } from '../flow/types.ts';
import { enterStep, promptState, type StepCompiler } from './step-compiler.ts';

/**
 * `gather`: collects digits with min/max length, terminator, first-digit and inter-digit
 * timeouts and a validation pattern; retries with prompts, then `done`, `noInput` or `invalid`.
 * `secure` (or `sensitive`) input is marked so logs and the API redact it.
 */
export const compileGather: StepCompiler<GatherStep> = (stepId, step, ctx) => {
  const id = ctx.id(stepId);
  const retries = step.retries ?? 2;
  const bargeIn = step.bargeIn ?? true;
  const terminator = step.terminator === 'none' ? null : (step.terminator ?? '#');
  const minDigits = step.minDigits ?? 1;
  const maxDigits = step.maxDigits;
  const firstTimer = `${id}:first`;
  const interTimer = `${id}:inter`;
  const collect = { actions: [{ type: 'collectDigit', params: { terminator } }], target: `#${id}.check` };
  const secure = Boolean(step.secure || step.sensitive);
  return {
    id,
    initial: 'prompt',
    entry: [enterStep(ctx, stepId, 'gather'), 'resetInput'],
    exit: [{ type: 'cancelTimer', params: { id: firstTimer } }, { type: 'cancelTimer', params: { id: interTimer } }],
    states: {
      prompt: {
        ...promptState(ctx, stepId, step.prompt, `#${id}.first`, { bargeIn, dtmf: [collect] }),
        entry: [
          'clearDigits',
          ...(step.prompt === undefined ? [] : [{ type: 'play', params: { step: id, prompt: step.prompt, bargeIn } }]),
        ],
      },
      first: {
        tags: ['input'],
        entry: [{ type: 'startTimer', params: { id: firstTimer, ms: ctx.ms(step.timeout, 5000) } }],
        exit: [{ type: 'cancelTimer', params: { id: firstTimer } }],
        on: {
          'call.dtmf': collect,
          'timer.fired': [
            { guard: { type: 'isTimerWithAttemptsLeft', params: { id: firstTimer, retries } }, target: `#${id}.noInput`, actions: ['countAttempt'] },
            { guard: { type: 'isTimer', params: { id: firstTimer } }, target: ctx.target(stepId, step, 'noInput') },
          ],
        },
      },
      collect: {
        tags: ['input'],
        entry: [{ type: 'startTimer', params: { id: interTimer, ms: ctx.ms(step.interDigitTimeout, 3000) } }],
        exit: [{ type: 'cancelTimer', params: { id: interTimer } }],
        on: {
          'call.dtmf': collect,
          'timer.fired': { guard: { type: 'isTimer', params: { id: interTimer } }, target: `#${id}.validate` },
        },
      },
      check: {
        always: [{ guard: { type: 'gatherComplete', params: { maxDigits } }, target: `#${id}.validate` }, { target: `#${id}.collect` }],
      },
      validate: {
        always: [
          { guard: 'gatherEmpty', target: `#${id}.empty` },
          {
            guard: { type: 'gatherValid', params: { minDigits, maxDigits, pattern: step.pattern ?? null } },
            target: ctx.target(stepId, step, 'done'),
            actions: [{ type: 'storeDigits', params: { into: step.into, secure } }],
          },
          { guard: { type: 'attemptsLeft', params: { retries } }, target: `#${id}.invalid`, actions: ['countAttempt'] },
          { target: ctx.target(stepId, step, 'invalid') },
        ],
      },
      empty: {
        always: [
          { guard: { type: 'attemptsLeft', params: { retries } }, target: `#${id}.noInput`, actions: ['countAttempt'] },
          { target: ctx.target(stepId, step, 'noInput') },
        ],
      },
      noInput: promptState(ctx, stepId, step.noInputPrompt, `#${id}.prompt`, { bargeIn: false }),
      invalid: promptState(ctx, stepId, step.invalidPrompt, `#${id}.prompt`, { bargeIn: false }),
    },
    on: { 'session.resumed': { target: `#${id}.prompt` } },
  };
};
