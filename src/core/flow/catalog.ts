import { assign, emit, enqueueActions, raise, setup } from 'xstate';
import type { CallbackOp, FlowContext, FlowEffect, FlowEvent, FlowInput, QueueProgress } from '../call/events.ts';
import type { Media } from '../../ports/telephony.ts';
import { callbackOfferDue, queueLeaveReason, queuePriority, queueStatusMedia, shouldAnnounce, type QueueCheckParams } from './queue-actions.ts';
import type { Condition, Prompt } from './types.ts';
import { evaluateCondition } from '../eval/condition.ts';
import { resolvePrompt } from '../eval/prompt.ts';
import { renderTemplate, renderValue, type TemplateScope } from '../eval/template.ts';

function scopeOf(context: FlowContext): TemplateScope {
  return { vars: context.vars, call: { id: context.callId, from: context.from, to: context.to }, settings: context.settings };
}

function eventField(event: FlowEvent, field: string): unknown {
  return (event as unknown as Record<string, unknown>)[field];
}

/**
 * Ids of playbacks and recordings: they become PBX object names (ARI playback ids, recording
 * file names), so only `[A-Za-z0-9_.-]`, and short enough for any PBX.
 */
export function mediaId(callId: string, step: string, seq: number): string {
  const safe = (s: string, max: number) => s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, max);
  return `${safe(callId, 48)}-${safe(step, 40)}-${seq}`;
}

/** Normalises speech for matching: lower case, letters and digits only. */
export function normaliseSpeech(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

/**
 * The one catalog of named actions and guards every compiled flow refers to. Flow configs name
 * these as `{ type, params }`, so a config is plain data: it can be printed, drawn and stored.
 * Actions never touch the PBX: they emit {@link FlowEffect}s that the call session performs.
 */
export const flowSetup = setup({
  types: {
    context: {} as FlowContext,
    events: {} as FlowEvent,
    input: {} as FlowInput,
    emitted: {} as FlowEffect,
  },
  actions: {
    enterStep: emit((_, params: { step: string; kind: string }) => ({ type: 'effect.step' as const, step: params.step, kind: params.kind })),

    play: enqueueActions(({ context, enqueue }, params: { step: string; prompt: Prompt; bargeIn: boolean }) => {
      const seq = context.seq + 1;
      const playbackId = mediaId(context.callId, params.step, seq);
      enqueue.assign({ seq, playing: playbackId });
      enqueue.emit({
        type: 'effect.play',
        step: params.step,
        playbackId,
        media: resolvePrompt(params.prompt, scopeOf(context)),
        bargeIn: params.bargeIn,
      });
    }),
    stopPlay: enqueueActions(({ context, event, enqueue }) => {
      if (!context.playing) return;
      // Leaving because this very playback finished: nothing to stop.
      if (event.type === 'prompt.done' && event.playbackId === context.playing) {
        enqueue.assign({ playing: null });
        return;
      }
      enqueue.emit({ type: 'effect.stop-play', playbackId: context.playing });
      enqueue.assign({ playing: null });
    }),
    clearPlaying: assign({ playing: null }),

    startTimer: emit((_, params: { id: string; ms: number }) => ({ type: 'effect.timer-start' as const, id: params.id, ms: params.ms })),
    cancelTimer: emit((_, params: { id: string }) => ({ type: 'effect.timer-cancel' as const, id: params.id })),

    resetInput: assign({ attempts: 0, digits: '', terminated: false }),
    countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
    clearDigits: assign({ digits: '', terminated: false }),
    collectDigit: assign(({ context, event }, params: { terminator: string | null }) => {
      const digit = String(eventField(event, 'digit') ?? '');
      if (params.terminator && digit === params.terminator) return { terminated: true };
      return { digits: context.digits + digit };
    }),
    storeChoice: assign(({ context }, params: { into: string; value: string; secure?: boolean }) => ({
      vars: { ...context.vars, [params.into]: params.value },
      secureVars: params.secure && !context.secureVars.includes(params.into) ? [...context.secureVars, params.into] : context.secureVars,
    })),
    storeDigits: assign(({ context }, params: { into: string; secure: boolean }) => ({
      vars: { ...context.vars, [params.into]: context.digits },
      secureVars: params.secure && !context.secureVars.includes(params.into) ? [...context.secureVars, params.into] : context.secureVars,
    })),
    setVars: assign(({ context }, params: { vars: Record<string, unknown> }) => {
      const next = { ...context.vars };
      for (const [name, value] of Object.entries(params.vars)) next[name] = renderValue(value, scopeOf({ ...context, vars: next }));
      return { vars: next };
    }),

    httpRequest: enqueueActions(
      (
        { context, enqueue },
        params: { step: string; method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; headers: Record<string, string>; body?: unknown; timeoutMs: number },
      ) => {
        const seq = context.seq + 1;
        const requestId = `${context.callId}:${params.step}:${seq}`;
        const scope = scopeOf(context);
        enqueue.assign({ seq, pending: requestId });
        enqueue.emit({
          type: 'effect.http',
          step: params.step,
          requestId,
          method: params.method,
          url: renderTemplate(params.url, scope),
          headers: Object.fromEntries(Object.entries(params.headers).map(([k, v]) => [k, renderTemplate(v, scope)])),
          ...(params.body === undefined ? {} : { body: renderValue(params.body, scope) }),
          timeoutMs: params.timeoutMs,
        });
      },
    ),
    storeHttpResult: assign(({ context, event }, params: { step: string; into: string | null; screenPop: boolean }) => ({
      vars: params.into ? { ...context.vars, [params.into]: eventField(event, 'body') } : context.vars,
      screenPop: params.screenPop ? { ...context.screenPop, [params.step]: eventField(event, 'body') } : context.screenPop,
      pending: null,
    })),
    storeError: assign(({ event }) => ({
      lastError: {
        code: String(eventField(event, 'code') ?? (event.type === 'http.done' ? 'HOTLINE_ERR_HTTP_STEP' : 'HOTLINE_ERR_INTERNAL')),
        message: String(eventField(event, 'message') ?? (event.type === 'http.done' ? `HTTP status ${eventField(event, 'status')}` : event.type)),
      },
      pending: null,
    })),

    checkHours: enqueueActions(({ context, enqueue }, params: { step: string; spec: { timezone: string; weekly: Record<string, string | string[]>; holidays?: unknown[] } }) => {
      const seq = context.seq + 1;
      const checkId = `${context.callId}:${params.step}:${seq}`;
      enqueue.assign({ seq, pending: checkId });
      enqueue.emit({ type: 'effect.check-hours', checkId, spec: params.spec });
    }),
    transfer: enqueueActions(({ context, enqueue }, params: { step: string; to: string }) => {
      const seq = context.seq + 1;
      const transferId = `${context.callId}:${params.step}:${seq}`;
      enqueue.assign({ seq, pending: transferId });
      enqueue.emit({ type: 'effect.transfer', step: params.step, transferId, to: renderTemplate(params.to, scopeOf(context)) });
    }),
    record: enqueueActions(({ context, enqueue }, params: { step: string; maxDurationMs: number; beep: boolean }) => {
      const seq = context.seq + 1;
      const recordingId = mediaId(context.callId, params.step, seq);
      enqueue.assign({ seq, pending: recordingId });
      enqueue.emit({ type: 'effect.record', step: params.step, recordingId, maxDurationMs: params.maxDurationMs, beep: params.beep, terminateOn: '#' });
    }),
    storeRecording: assign(({ context, event }, params: { into: string }) => ({
      vars: {
        ...context.vars,
        [params.into]: {
          recordingId: eventField(event, 'recordingId'),
          durationMs: eventField(event, 'durationMs') ?? null,
          reason: eventField(event, 'reason') ?? eventField(event, 'code'),
        },
      },
      pending: null,
    })),
    recordingRequest: enqueueActions(({ context, enqueue }, params: { step: string; action: 'start' | 'stop' | 'pause' | 'resume' }) => {
      const seq = context.seq + 1;
      const requestId = `${context.callId}:${params.step}:${seq}`;
      const paused = params.action === 'pause' ? { recordingPaused: true } : params.action === 'resume' ? { recordingPaused: false } : {};
      enqueue.assign({ seq, pending: requestId, ...paused });
      enqueue.emit({ type: 'effect.recording', step: params.step, action: params.action, reason: 'flow', requestId });
    }),
    // Sensitive steps: recordings are silent from entry to exit (the service counts overlapping ones).
    sensitiveEnter: emit((_, params: { step: string }) => ({ type: 'effect.recording' as const, step: params.step, action: 'pause' as const, reason: 'sensitive' as const })),
    sensitiveExit: emit((_, params: { step: string }) => ({ type: 'effect.recording' as const, step: params.step, action: 'resume' as const, reason: 'sensitive' as const })),
    clearPending: assign({ pending: null }),
    // Only changes are sent: asking a PBX for music that already plays would start it over.
    hold: enqueueActions(({ context, enqueue }, params: { on: boolean }) => {
      if ((context.held ?? false) === params.on) return;
      enqueue.assign({ held: params.on });
      enqueue.emit({ type: 'effect.hold' as const, on: params.on });
    }),

    queueJoin: enqueueActions(({ context, enqueue }, params: { step: string; queue: string; priority?: number | string }) => {
      const priority = queuePriority(params.priority, scopeOf(context));
      // A resumed call joins again but keeps what it was told and its callback offer (a new wait starts from scratch: leaving clears it).
      enqueue.assign({ queue: context.queue ?? { position: null, ewtMinutes: null, announcedPosition: null, announcedEwt: null, sinceAnnounceMs: 0 } });
      enqueue.emit({ type: 'effect.queue-join', step: params.step, queue: params.queue, ...(priority === undefined ? {} : { priority }) });
    }),
    queueLeave: emit(({ context, event }, params: { queue: string; keepKey?: string }) =>
      // The callback key leaves the step but keeps the place: the callback step decides what becomes of it.
      params.keepKey !== undefined &&
      ((event.type === 'call.dtmf' && event.digit === params.keepKey && context.queue?.callbackOffer) || (event.type === 'queue.timeout' && event.action === 'callback'))
        ? { type: 'effect.none' as const }
        : { type: 'effect.queue-leave' as const, queue: params.queue, reason: queueLeaveReason(event) },
    ),
    queueStatusCheck: enqueueActions(({ context, enqueue }, params: { queue: string }) => {
      const seq = context.seq + 1;
      const checkId = `${context.callId}:queue:${seq}`;
      enqueue.assign({ seq, pending: checkId });
      enqueue.emit({ type: 'effect.queue-status', checkId, queue: params.queue });
    }),
    queueStoreStatus: assign(({ context, event }, params: QueueCheckParams) => {
      if (event.type !== 'queue.status') return {};
      const before: QueueProgress = context.queue ?? { position: null, ewtMinutes: null, announcedPosition: null, announcedEwt: null, sinceAnnounceMs: 0 };
      return {
        pending: null,
        queue: {
          ...before,
          position: event.position,
          ewtMinutes: event.ewtMinutes,
          sayPosition: event.sayPosition,
          sayWait: event.sayWait,
          sinceAnnounceMs: before.sinceAnnounceMs + params.pollMs,
          waitedMs: (before.waitedMs ?? 0) + params.pollMs,
          ...(callbackOfferDue(before, event, params) ? { callbackOffer: 'due' as const } : {}),
        },
      };
    }),
    queuePlayStatus: enqueueActions(({ context, enqueue }, params: { step: string }) => {
      const q = context.queue;
      if (!q) return;
      const seq = context.seq + 1;
      const playbackId = mediaId(context.callId, params.step, seq);
      const offer = q.callbackOffer ? [{ kind: 'sound' as const, name: 'callback-keep-place' }] : [];
      enqueue.assign({ seq, playing: playbackId, queue: { ...q, announcedPosition: q.position, announcedEwt: q.ewtMinutes, sinceAnnounceMs: 0, ...(q.callbackOffer ? { callbackOffer: 'said' as const } : {}) } });
      enqueue.emit({ type: 'effect.play', step: params.step, playbackId, media: [...queueStatusMedia(q, { sayPosition: q.sayPosition ?? false, sayWait: q.sayWait ?? false }), ...offer], bargeIn: false });
    }),

    callbackStart: assign(({ context }) => ({ callback: { number: context.from, slots: [], callbackId: null } })),
    callbackUseDigits: assign(({ context }) => ({ callback: { ...(context.callback ?? { slots: [], callbackId: null }), number: context.digits } })),
    callbackClear: assign({ callback: null }),
    // `chosen`: the slot picked before (a booking asked again after a resume).
    callbackRequest: enqueueActions(({ context, enqueue }, params: { step: string; op: CallbackOp; queue: string; slotIndex?: number; chosen?: boolean }) => {
      const seq = context.seq + 1;
      const requestId = `${context.callId}:${params.step}:${seq}`;
      const cb = context.callback ?? { number: context.from, slots: [], callbackId: null };
      const slot = params.slotIndex !== undefined ? cb.slots[params.slotIndex] : params.chosen ? cb.slots.find((s) => s.label === cb.chosen) : undefined;
      enqueue.assign({ seq, pending: requestId, ...(slot ? { callback: { ...cb, chosen: slot.label } } : {}) });
      enqueue.emit({
        type: 'effect.callback',
        step: params.step,
        requestId,
        op: params.op,
        queue: params.queue,
        number: cb.number,
        ...(slot ? { slotKey: slot.key } : {}),
        ...(cb.callbackId ? { callbackId: cb.callbackId } : {}),
      });
    }),
    callbackStoreResult: assign(({ context, event }) => {
      if (event.type !== 'callback.result') return {};
      const cb = context.callback ?? { number: context.from, slots: [], callbackId: null };
      return { pending: null, callback: { ...cb, slots: event.data?.slots ?? cb.slots, callbackId: event.data?.callbackId ?? cb.callbackId } };
    }),
    callbackPlay: enqueueActions(({ context, enqueue }, params: { step: string; what: 'slots' | 'booked'; bargeIn: boolean }) => {
      const cb = context.callback;
      const media: Media[] =
        params.what === 'slots'
          ? [{ kind: 'sound', name: 'callback-slots-intro' }, ...(cb?.slots ?? []).map((s, i): Media => ({ kind: 'text', text: `For ${s.label}, press ${i + 1}.` }))]
          : [{ kind: 'sound', name: 'callback-booked' }, ...(cb?.chosen ? [{ kind: 'text', text: `${cb.chosen}.` } as Media] : [])];
      const seq = context.seq + 1;
      const playbackId = mediaId(context.callId, params.step, seq);
      enqueue.assign({ seq, playing: playbackId });
      enqueue.emit({ type: 'effect.play', step: params.step, playbackId, media, bargeIn: params.bargeIn });
    }),
    // A caller who hangs up in a keep-place step before their place became a callback leaves the line.
    callbackAbandon: emit(({ context, event }, params: { queue: string }) =>
      event.type === 'call.hangup' && !context.callback?.callbackId ? { type: 'effect.queue-leave' as const, queue: params.queue, reason: 'abandoned' as const } : { type: 'effect.none' as const },
    ),

    /** Handles the event again in the state the transition leads to. */
    raiseAgain: raise(({ event }) => event),
    queueConnect: emit((_, params: { queue: string }) => ({ type: 'effect.queue-connect' as const, queue: params.queue })),
    queueClear: assign({ queue: null }),
    speech: emit((_, params: { on: boolean; language?: string; hints?: string[] }) => ({ type: 'effect.speech' as const, ...params })),
    hangup: emit((_, params: { cause: 'normal' | 'busy' | 'rejected' | 'unavailable' }) => ({ type: 'effect.hangup' as const, cause: params.cause })),
    setOutcome: assign((_, params: { outcome: string }) => ({ outcome: params.outcome })),
    end: emit(({ context }) => ({ type: 'effect.end' as const, outcome: context.outcome ?? 'completed' })),
  },
  guards: {
    isCurrentPlayback: ({ context, event }) => eventField(event, 'playbackId') === context.playing,
    isPending: ({ context, event }) =>
      context.pending !== null &&
      [eventField(event, 'requestId'), eventField(event, 'checkId'), eventField(event, 'transferId'), eventField(event, 'recordingId')].includes(context.pending),
    isTimer: ({ event }, params: { id: string }) => eventField(event, 'id') === params.id,
    isTimerWithAttemptsLeft: ({ context, event }, params: { id: string; retries: number }) =>
      eventField(event, 'id') === params.id && context.attempts < params.retries,
    digitIs: ({ event }, params: { key: string }) => eventField(event, 'digit') === params.key,
    attemptsLeft: ({ context }, params: { retries: number }) => context.attempts < params.retries,
    speechMatches: ({ event }, params: { phrases: string[]; minConfidence: number }) => {
      const confidence = eventField(event, 'confidence');
      if (typeof confidence === 'number' && confidence < params.minConfidence) return false;
      const heard = ` ${normaliseSpeech(String(eventField(event, 'text') ?? ''))} `;
      return params.phrases.some((p) => heard.includes(` ${normaliseSpeech(p)} `));
    },
    condition: ({ context }, params: { when: Condition }) => evaluateCondition(params.when, scopeOf(context)),
    isPendingWithOutcome: ({ context, event }, params: { outcome: string }) =>
      eventField(event, 'checkId') === context.pending && eventField(event, 'outcome') === params.outcome,
    isPendingHttpOk: ({ context, event }) => {
      const status = Number(eventField(event, 'status'));
      return eventField(event, 'requestId') === context.pending && status >= 200 && status < 300;
    },
    gatherComplete: ({ context }, params: { maxDigits: number }) => context.terminated || context.digits.length >= params.maxDigits,
    gatherValid: ({ context }, params: { minDigits: number; maxDigits: number; pattern: string | null }) =>
      context.digits.length >= params.minDigits &&
      context.digits.length <= params.maxDigits &&
      (params.pattern === null || new RegExp(`^(?:${params.pattern})$`).test(context.digits)),
    gatherEmpty: ({ context }) => context.digits.length === 0,
    queueShouldAnnounce: ({ context, event }, params: QueueCheckParams) =>
      event.type === 'queue.status' &&
      event.checkId === context.pending &&
      (callbackOfferDue(context.queue ?? null, event, params) || shouldAnnounce(context.queue ?? null, event, params.pollMs)),
    queueCallbackKey: ({ context, event }, params: { key: string }) => event.type === 'call.dtmf' && event.digit === params.key && Boolean(context.queue?.callbackOffer),
    callbackOk: ({ context, event }) => event.type === 'callback.result' && event.requestId === context.pending && event.ok,
    callbackOkWith: ({ context, event }, params: { has: 'slots' | 'callbackId' }) =>
      event.type === 'callback.result' &&
      event.requestId === context.pending &&
      event.ok &&
      (params.has === 'slots' ? (event.data?.slots?.length ?? 0) > 0 : Boolean(event.data?.callbackId)),
    callbackFailedWith: ({ context, event }, params: { code: string }) =>
      event.type === 'callback.result' && event.requestId === context.pending && !event.ok && event.code === params.code,
    isPendingCallback: ({ context, event }) => event.type === 'callback.result' && event.requestId === context.pending,
    callbackSlotKey: ({ context, event }, params: { key: string; index: number }) =>
      event.type === 'call.dtmf' && event.digit === params.key && (context.callback?.slots.length ?? 0) > params.index,
    digitsFull: ({ context }, params: { max: number }) => context.digits.length >= params.max,
    queueTimeoutIs: ({ event }, params: { action: string }) => event.type === 'queue.timeout' && event.action === params.action,
    isPendingQueueStatus: ({ context, event }) => event.type === 'queue.status' && event.checkId === context.pending,
  },
});

/** Initial context of a flow actor. */
export function initialContext(input: FlowInput): FlowContext {
  return {
    callId: input.callId,
    from: input.from,
    to: input.to,
    vars: { ...(input.vars ?? {}) },
    settings: { ...input.settings },
    secureVars: [],
    seq: 0,
    playing: null,
    pending: null,
    attempts: 0,
    digits: '',
    terminated: false,
    screenPop: {},
    lastError: null,
    outcome: null,
    queue: null,
    callback: null,
  };
}
