import type { MenuStep } from '../flow/types.ts';
import { enterStep, promptState, type StepCompiler } from './step-compiler.ts';

/**
 * `menu`: prompt, wait for a key (or a phrase), retry with no-input/no-match prompts, then
 * `noInput`/`noMatch`. The repeat key replays the prompt without using an attempt.
 * States: `prompt` → `wait` (tagged `input`) → `noInput`/`noMatch` → `prompt`.
 */
export const compileMenu: StepCompiler<MenuStep> = (stepId, step, ctx) => {
  const id = ctx.id(stepId);
  const retries = step.retries ?? 2;
  const bargeIn = step.bargeIn ?? true;
  const timerId = `${id}:timeout`;
  const choose = (key: string) => (step.into ? [{ type: 'storeChoice', params: { into: step.into, value: key } }] : []);
  const failure = (kind: 'noMatch' | 'noInput') => [
    // reenter: a wrong key during the no-match prompt starts that prompt again.
    { guard: { type: 'attemptsLeft', params: { retries } }, target: `#${id}.${kind}`, reenter: true, actions: ['countAttempt'] },
    { target: ctx.target(stepId, step, kind) },
  ];
  const dtmf = [
    ...Object.entries(step.options).map(([key, option]) => ({
      guard: { type: 'digitIs', params: { key } },
      target: ctx.ref(typeof option === 'string' ? option : option.goto),
      actions: choose(key),
    })),
    ...(step.repeatKey ? [{ guard: { type: 'digitIs', params: { key: step.repeatKey } }, target: `#${id}.prompt`, reenter: true }] : []),
    ...failure('noMatch'),
  ];
  const spoken = Object.entries(step.options).flatMap(([key, option]) =>
    typeof option === 'string' || !option.say?.length
      ? []
      : [{ guard: { type: 'speechMatches', params: { phrases: option.say, minConfidence: step.speech?.minConfidence ?? 0 } }, target: ctx.ref(option.goto), actions: choose(key) }],
  );
  const hints = Object.values(step.options).flatMap((o) => (typeof o === 'string' ? [] : (o.say ?? [])));
  return {
    id,
    initial: 'prompt',
    entry: [
      enterStep(ctx, stepId, 'menu'),
      'resetInput',
      ...(step.speech ? [{ type: 'speech', params: { on: true, language: step.speech.language ?? 'en-US', hints } }] : []),
    ],
    exit: [{ type: 'cancelTimer', params: { id: timerId } }, ...(step.speech ? [{ type: 'speech', params: { on: false } }] : [])],
    states: {
      prompt: promptState(ctx, stepId, step.prompt, `#${id}.wait`, { bargeIn, dtmf }),
      wait: {
        tags: ['input'],
        entry: [{ type: 'startTimer', params: { id: timerId, ms: ctx.ms(step.timeout, 5000) } }],
        exit: [{ type: 'cancelTimer', params: { id: timerId } }],
        on: {
          'call.dtmf': dtmf,
          'timer.fired': [
            { guard: { type: 'isTimerWithAttemptsLeft', params: { id: timerId, retries } }, target: `#${id}.noInput`, actions: ['countAttempt'] },
            { guard: { type: 'isTimer', params: { id: timerId } }, target: ctx.target(stepId, step, 'noInput') },
          ],
        },
      },
      noInput: promptState(ctx, stepId, step.noInputPrompt, `#${id}.prompt`, { bargeIn, dtmf }),
      noMatch: promptState(ctx, stepId, step.noMatchPrompt, `#${id}.prompt`, { bargeIn, dtmf }),
    },
    on: {
      ...(spoken.length ? { 'call.speech': [...spoken, ...failure('noMatch')] } : {}),
      // A resumed menu asks again: the caller may have pressed a key nobody heard.
      'session.resumed': { target: `#${id}.prompt` },
    },
  };
};
