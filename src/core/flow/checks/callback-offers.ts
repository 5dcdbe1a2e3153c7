import type { Diagnostic } from '../diagnostics.ts';
import type { CallbackStep } from '../types.ts';
import { entryStep } from './context.ts';
import type { Check } from './context.ts';

/**
 * Sounds a `callback` step plays by itself, by action, and the queue offer's own sound. They are
 * not in the step's YAML, so `checkUnknownSounds` cannot see them.
 */
export const CALLBACK_SOUNDS: Readonly<Record<CallbackStep['action'] | 'offer', readonly string[]>> = {
  'keep-place': ['callback-number-is', 'callback-confirm-number', 'callback-enter-number', 'callback-number-denied', 'callback-place-kept'],
  book: ['callback-number-is', 'callback-confirm-number', 'callback-enter-number', 'callback-number-denied', 'callback-slots-intro', 'callback-booked', 'callback-no-slots'],
  pending: ['callback-pending', 'callback-kept', 'callback-cancelled'],
  offer: ['callback-keep-place'],
};

/**
 * Callbacks fit together:
 * - a queue step's `callback.goto` is a `callback` step with `action: keep-place` (anything
 *   else would take the caller out of the line without keeping their place);
 * - the offer's key is not also one of the step's `keys`;
 * - a `keep-place` step that no queue offer leads to is a warning: the service keeps only the
 *   place of a caller waiting in a queue, so it could only ever end in `error`;
 * - with a sound library, the sounds callbacks play by themselves exist.
 */
export const checkCallbackOffers: Check = (ctx) => {
  const out: Diagnostic[] = [];
  const offered = new Set<string>();
  for (const info of ctx.steps) {
    const step = info.step;
    if (step.type !== 'queue' || !step.callback || typeof step.callback.goto !== 'string') continue;
    const key = step.callback.key ?? '1';
    const target = entryStep(ctx, step.callback.goto);
    if (target) offered.add(target.id);
    if (target && (target.step.type !== 'callback' || target.step.action !== 'keep-place')) {
      out.push(
        ctx.report(`${info.pointer}/callback/goto`, {
          code: 'callback-offer-target',
          message: `the callback offer of queue step \`${info.id}\` goes to \`${target.id}\` (${target.step.type === 'callback' ? `callback ${target.step.action}` : target.step.type}), not to a keep-place callback step`,
          hint: 'point `callback.goto` at a step `{ type: callback, action: keep-place }`; for other keys that leave the line use `keys`',
        }),
      );
    }
    if (step.keys && Object.hasOwn(step.keys, key)) {
      out.push(
        ctx.report(`${info.pointer}/callback${step.callback.key === undefined ? '' : '/key'}`, {
          code: 'callback-offer-key',
          message: `key \`${key}\` of queue step \`${info.id}\` is both its callback offer and one of its \`keys\``,
          hint: 'give the offer another `key`, or remove that key from `keys`',
        }),
      );
    }
  }
  for (const info of ctx.steps) {
    const step = info.step;
    if (step.type !== 'callback' || step.action !== 'keep-place' || offered.has(info.id)) continue;
    out.push(
      ctx.report(info.pointer, {
        severity: 'warning',
        code: 'keep-place-outside-queue',
        message: `keep-place step \`${info.id}\` is not the callback offer of any queue step, so its caller has no place to keep`,
        hint: 'reach it from a queue step: `callback: { goto: ' + info.id + ' }`; to book a time instead use `action: book`',
        atKey: true,
      }),
    );
  }
  const sounds = ctx.options.sounds;
  if (sounds) {
    for (const info of ctx.steps) {
      const step = info.step;
      const needed = step.type === 'callback' ? CALLBACK_SOUNDS[step.action] : step.type === 'queue' && step.callback ? CALLBACK_SOUNDS.offer : undefined;
      const missing = (needed ?? []).filter((name) => !sounds.has(name));
      if (missing.length === 0) continue;
      out.push(
        ctx.report(step.type === 'queue' ? `${info.pointer}/callback` : `${info.pointer}/action`, {
          code: 'unknown-sound',
          message: `step \`${info.id}\` plays ${missing.map((n) => `\`${n}\``).join(', ')}, which the sound library lacks`,
          hint: `add ${missing.map((n) => `sounds/${n}.wav`).join(', ')} (texts in sounds/prompts.tsv)`,
        }),
      );
    }
  }
  return out;
};
