import type { QueueStep } from '../flow/types.ts';
import { enterStep, promptState, type StepCompiler } from './step-compiler.ts';

/**
 * `queue`: the caller waits in line for an agent. Waiting is a statechart, not a loop:
 *
 * - `intro` plays the step's prompt (the caller is already in line while it plays);
 * - `waiting` is parallel, music on hold throughout: `announcements` asks the ACD every
 *   `statusEvery` and says the position and wait when they changed or the period passed
 *   (pausing the music meanwhile); `breakout` leaves on a key of `keys`; `agent` ends the wait
 *   when the ACD reports an answer;
 * - `connected` once an agent answered: the ACD bridges the call; `queue.done` when the agent
 *   leg ends continues the flow (e.g. a survey).
 *
 * Any region can end the wait: the ACD's answer, its max-wait verdict (`queue.timeout`, to
 * `voicemail` or `timeout`), the step's own `maxWait`, a key, or the caller hanging up. Leaving
 * the step by any path takes the caller out of the ACD.
 */
export const compileQueue: StepCompiler<QueueStep> = (stepId, step, ctx) => {
  const id = ctx.id(stepId);
  const maxWaitId = `${id}:max-wait`;
  const pollId = `${id}:status`;
  const pollMs = ctx.ms(step.statusEvery, 10_000);
  const queue = step.queue;
  const timeout = ctx.target(stepId, step, 'timeout');
  const error = ctx.targetOrUndefined(stepId, step, 'error') ?? timeout;
  const voicemail = ctx.targetOrUndefined(stepId, step, 'voicemail');
  const keys = Object.entries(step.keys ?? {}).map(([key, target]) => ({ guard: { type: 'digitIs', params: { key } }, target: ctx.ref(target) }));
  const offer = step.callback ? { key: step.callback.key ?? '1', target: ctx.ref(step.callback.goto) } : undefined;
  // The callback offer becomes due at a status check: after `after` in line, or once the estimated wait reaches `whenWaitOver`.
  const check = {
    pollMs,
    ...(step.callback ? { offerAfterMs: ctx.ms(step.callback.after, 30_000) } : {}),
    ...(step.callback?.whenWaitOver ? { offerWaitOverMs: ctx.ms(step.callback.whenWaitOver, 0) } : {}),
  };
  const join = { type: 'queueJoin', params: { step: id, queue, ...(step.priority === undefined ? {} : { priority: step.priority }) } };
  return {
    id,
    initial: 'intro',
    entry: [
      enterStep(ctx, stepId, 'queue'),
      ...(step.maxWait ? [{ type: 'startTimer', params: { id: maxWaitId, ms: ctx.ms(step.maxWait, 0) } }] : []),
      join,
    ],
    exit: [
      ...(step.maxWait ? [{ type: 'cancelTimer', params: { id: maxWaitId } }] : []),
      { type: 'queueLeave', params: { queue, ...(offer ? { keepKey: offer.key } : {}) } },
      'queueClear',
    ],
    states: {
      intro: promptState(ctx, stepId, step.prompt, `#${id}.waiting`, { bargeIn: false }),
      waiting: {
        type: 'parallel',
        tags: ['input'],
        // Music plays for the whole wait, paused only while an announcement speaks. It comes back
        // when `idle` is entered, not when an announcement ends, so a key that leaves the step in
        // the middle of one (a callback offer) never restarts the music on the way out.
        exit: [{ type: 'hold', params: { on: false } }],
        states: {
          // Position and wait time: checked every `statusEvery`, said when worth saying.
          announcements: {
            initial: 'idle',
            states: {
              idle: {
                entry: [{ type: 'hold', params: { on: true } }, { type: 'startTimer', params: { id: pollId, ms: pollMs } }],
                exit: [{ type: 'cancelTimer', params: { id: pollId } }],
                on: { 'timer.fired': { guard: { type: 'isTimer', params: { id: pollId } }, target: 'checking' } },
              },
              checking: {
                entry: [{ type: 'queueStatusCheck', params: { queue } }],
                on: {
                  'queue.status': [
                    { guard: { type: 'queueShouldAnnounce', params: check }, target: 'announcing', actions: [{ type: 'queueStoreStatus', params: check }] },
                    { guard: 'isPendingQueueStatus', target: 'idle', actions: [{ type: 'queueStoreStatus', params: check }] },
                  ],
                },
              },
              announcing: {
                entry: [{ type: 'hold', params: { on: false } }, { type: 'queuePlayStatus', params: { step: id } }],
                exit: ['stopPlay'],
                on: { 'prompt.done': { guard: 'isCurrentPlayback', target: 'idle', actions: ['clearPlaying'] } },
              },
            },
          },
          // Keys that leave the line (voicemail, callback, …) end the whole wait.
          breakout: {
            on:
              keys.length || offer
                ? { 'call.dtmf': [...(offer ? [{ guard: { type: 'queueCallbackKey', params: { key: offer.key } }, target: offer.target }] : []), ...keys] }
                : {},
          },
          // The race for an agent: the ACD offers the call; the first agent to answer ends the wait.
          agent: { on: { 'queue.answered': { target: `#${id}.connected` } } },
        },
      },
      connected: {
        entry: [{ type: 'queueConnect', params: { queue } }],
        on: {
          'queue.done': { target: ctx.target(stepId, step, 'done') },
          'queue.answered': {},
          'queue.timeout': {},
          // The bridge outlives a node: nothing to re-issue.
          'session.resumed': {},
        },
      },
    },
    on: {
      ...(step.maxWait ? { 'timer.fired': { guard: { type: 'isTimer', params: { id: maxWaitId } }, target: timeout } } : {}),
      // An agent may answer while the intro still plays.
      'queue.answered': { target: `#${id}.connected` },
      'queue.timeout': [
        ...(voicemail ? [{ guard: { type: 'queueTimeoutIs', params: { action: 'voicemail' } }, target: voicemail }] : []),
        // The queue's `whenMaxWait: callback`: straight to the keep-place step, still in line.
        ...(offer ? [{ guard: { type: 'queueTimeoutIs', params: { action: 'callback' } }, target: offer.target }] : []),
        { target: timeout },
      ],
      'queue.error': { target: error },
      // Join again (the ACD keeps the caller's place) and restart the music.
      'session.resumed': { target: `#${id}.waiting`, actions: [join] },
    },
  };
};
