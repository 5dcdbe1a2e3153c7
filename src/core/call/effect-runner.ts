import type { HttpClient } from '../../ports/http-client.ts';
import type { Logger } from '../../ports/logger.ts';
import type { CallLeg, TransferTarget } from '../../ports/telephony.ts';
import type { Clock } from '../../ports/clock.ts';
import { hotlineError, isHotlineError } from '../errors.ts';
import { evaluateHours } from '../eval/hours.ts';
import type { TimerService } from '../timers/timer-service.ts';
import type { QueueHost } from '../acd/queue-host.ts';
import type { RecordingHost } from '../recording/recording-host.ts';
import type { CallbackHost } from '../callback/callback-host.ts';
import type { FlowEffect, FlowEvent } from './events.ts';

/** What the effect runner needs from its session. */
export interface EffectHost {
  readonly leg: CallLeg;
  readonly clock: Clock;
  readonly http: HttpClient;
  readonly timers: TimerService;
  readonly logger: Logger;
  readonly transferAllow: readonly RegExp[];
  /** The ACD, when this node runs one (`queue` steps fail with `queue.error` without it). */
  readonly queues?: QueueHost;
  /** The RecordingService, when this node records (`record` steps fail with `recording.error` without it). */
  readonly recordings?: RecordingHost;
  /** Callbacks, when this node offers them (`callback` steps fail with `error` without it). */
  readonly callbacks?: CallbackHost;
  /** Id of the flow the call runs (stored with its recordings). */
  readonly flowId: string;
  /** The flow's variables now (the ACD reads priorities from them). */
  variables(): Record<string, unknown>;
  /** Sends a result back into the flow machine (after the current transition). */
  dispatch(event: FlowEvent): void;
  onStep(step: string, kind: string): void;
  onPlay(effect: Extract<FlowEffect, { type: 'effect.play' }>): void;
  /** The session is leaving the PBX on its own (hang-up or transfer): its own `call.hangup` is expected. */
  markLeaving(reason: 'hangup' | 'transfer' | null): void;
  onRecordingStarted(recordingId: string): void;
  end(outcome: string): void;
  isEnded(): boolean;
}

/** Characters a transfer target may have before it gets near a dial string. */
const SAFE_TARGET = /^[A-Za-z0-9+*#/_.@:-]{1,64}$/;

/**
 * Performs the flow machine's effects on the telephony port and other ports, and turns their
 * outcomes into events. Failures never throw into XState: a prompt that cannot play finishes
 * as `failed`, a request that fails is `http.error`, and a command on a leg that has gone is
 * ignored (the hang-up event ends the session).
 */
export function runEffect(host: EffectHost, effect: FlowEffect): void {
  switch (effect.type) {
    case 'effect.step':
      host.onStep(effect.step, effect.kind);
      return;
    case 'effect.play': {
      host.onPlay(effect);
      if (effect.media.length === 0) {
        host.dispatch({ type: 'prompt.done', playbackId: effect.playbackId, reason: 'finished' });
        return;
      }
      host.leg.play(effect.media, { playbackId: effect.playbackId, bargeIn: effect.bargeIn }).catch((err: unknown) => {
        if (ignorable(host, err)) return;
        host.logger.warn({ err: describe(err), playbackId: effect.playbackId }, 'prompt failed to start');
        host.dispatch({ type: 'prompt.done', playbackId: effect.playbackId, reason: 'failed' });
      });
      return;
    }
    case 'effect.stop-play':
      host.leg.stopPlayback(effect.playbackId).catch((err: unknown) => warnUnlessGone(host, err, 'stop playback failed'));
      return;
    case 'effect.timer-start':
      host.timers.start(effect.id, effect.ms);
      return;
    case 'effect.timer-cancel':
      host.timers.cancel(effect.id);
      return;
    case 'effect.http':
      host.logger.info({ step: effect.step, method: effect.method, url: redactUrl(effect.url) }, 'http step request');
      host.http
        .request({
          method: effect.method,
          url: effect.url,
          headers: effect.headers,
          ...(effect.body === undefined ? {} : { body: effect.body }),
          timeoutMs: effect.timeoutMs,
        })
        .then(
          (res) => host.dispatch({ type: 'http.done', requestId: effect.requestId, status: res.status, body: res.body }),
          (err: unknown) =>
            host.dispatch({
              type: 'http.error',
              requestId: effect.requestId,
              code: isHotlineError(err) ? err.code : 'HOTLINE_ERR_HTTP_STEP',
              message: err instanceof Error ? err.message : String(err),
            }),
        );
      return;
    case 'effect.check-hours': {
      let outcome: string;
      try {
        outcome = evaluateHours(effect.spec as Parameters<typeof evaluateHours>[0], host.clock.now());
      } catch (err) {
        host.logger.error({ err: describe(err) }, 'hours check failed; treating as closed');
        outcome = 'closed';
      }
      host.dispatch({ type: 'check.result', checkId: effect.checkId, outcome });
      return;
    }
    case 'effect.transfer':
      transfer(host, effect);
      return;
    case 'effect.record': {
      const start = host.leg.startRecording;
      if (!start) {
        host.dispatch({ type: 'recording.failed', recordingId: effect.recordingId, code: 'HOTLINE_ERR_UNSUPPORTED' });
        return;
      }
      host.onRecordingStarted(effect.recordingId);
      start
        .call(host.leg, {
          recordingId: effect.recordingId,
          maxDurationMs: effect.maxDurationMs,
          beep: effect.beep,
          ...(effect.terminateOn ? { terminateOn: effect.terminateOn } : {}),
        })
        .catch((err: unknown) => {
          if (ignorable(host, err)) return;
          host.logger.warn({ err: describe(err) }, 'recording failed to start');
          host.dispatch({ type: 'recording.failed', recordingId: effect.recordingId, code: isHotlineError(err) ? err.code : 'HOTLINE_ERR_PBX' });
        });
      return;
    }
    case 'effect.recording':
      runRecordingEffect(host, effect);
      return;
    case 'effect.hold': {
      const op = effect.on ? host.leg.startHold?.bind(host.leg) : host.leg.stopHold?.bind(host.leg);
      op?.().catch((err: unknown) => warnUnlessGone(host, err, 'hold failed'));
      return;
    }
    case 'effect.speech': {
      if (effect.on) host.leg.startSpeech?.({ language: effect.language ?? 'en-US', ...(effect.hints ? { hints: effect.hints } : {}) }).catch((err: unknown) => warnUnlessGone(host, err, 'speech start failed'));
      else host.leg.stopSpeech?.().catch((err: unknown) => warnUnlessGone(host, err, 'speech stop failed'));
      return;
    }
    case 'effect.queue-join':
    case 'effect.queue-leave':
    case 'effect.queue-status':
    case 'effect.queue-connect':
      runQueueEffect(host, effect);
      return;
    case 'effect.hangup':
      host.markLeaving('hangup');
      host.leg.hangup(effect.cause).catch((err: unknown) => warnUnlessGone(host, err, 'hangup failed'));
      return;
    case 'effect.end':
      host.end(effect.outcome);
      return;
    case 'effect.callback':
      runCallbackEffect(host, effect);
      return;
    case 'effect.none':
      return;
  }
}

function runCallbackEffect(host: EffectHost, effect: Extract<FlowEffect, { type: 'effect.callback' }>): void {
  const fail = (err: unknown) => {
    if (host.isEnded()) return;
    const code = isHotlineError(err) ? err.code : 'HOTLINE_ERR_INTERNAL';
    // Number errors carry only the last digits; nothing else of the number is logged.
    host.logger.warn({ err: describe(err), step: effect.step, op: effect.op }, 'callback request failed');
    host.dispatch({ type: 'callback.result', requestId: effect.requestId, ok: false, code });
  };
  if (!host.callbacks) return fail(hotlineError('HOTLINE_ERR_UNSUPPORTED', 'this node offers no callbacks'));
  host.callbacks
    .request({
      op: effect.op,
      callId: host.leg.id,
      queue: effect.queue,
      number: effect.number,
      vars: host.variables(),
      ...(effect.slotKey ? { slotKey: effect.slotKey } : {}),
      ...(effect.callbackId ? { callbackId: effect.callbackId } : {}),
    })
    .then((data) => {
      if (!host.isEnded()) host.dispatch({ type: 'callback.result', requestId: effect.requestId, ok: true, data });
    }, fail);
}

function transfer(host: EffectHost, effect: Extract<FlowEffect, { type: 'effect.transfer' }>): void {
  const fail = (code: string, message: string) => host.dispatch({ type: 'transfer.failed', transferId: effect.transferId, code, message });
  const to = effect.to.trim();
  // The target may come from caller input through a template: check before anything else sees it.
  if (!SAFE_TARGET.test(to) || !host.transferAllow.some((re) => re.test(to))) {
    host.logger.warn({ step: effect.step, to: SAFE_TARGET.test(to) ? to : '[unsafe]' }, 'transfer refused by the allowlist');
    fail('HOTLINE_ERR_TRANSFER_DENIED', 'transfer target is not permitted by the allowlist');
    return;
  }
  if (!host.leg.transfer) {
    fail('HOTLINE_ERR_UNSUPPORTED', `the ${host.leg.driver} driver cannot transfer`);
    return;
  }
  const target: TransferTarget = /^\+?[0-9*#]+$/.test(to) ? { kind: 'number', value: to } : { kind: 'endpoint', value: to };
  host.markLeaving('transfer');
  host.leg.transfer(target).then(
    () => host.dispatch({ type: 'transfer.done', transferId: effect.transferId }),
    (err: unknown) => {
      host.markLeaving(null);
      if (ignorable(host, err)) return;
      fail(isHotlineError(err) ? err.code : 'HOTLINE_ERR_PBX', err instanceof Error ? err.message : String(err));
    },
  );
}

function runQueueEffect(
  host: EffectHost,
  effect: Extract<FlowEffect, { type: 'effect.queue-join' | 'effect.queue-leave' | 'effect.queue-status' | 'effect.queue-connect' }>,
): void {
  const acd = host.queues;
  const callId = host.leg.id;
  const queueError = (queue: string, err: unknown) => {
    if (ignorable(host, err)) return;
    host.logger.warn({ err: describe(err), queue }, 'queue operation failed');
    host.dispatch({ type: 'queue.error', queue, code: isHotlineError(err) ? err.code : 'HOTLINE_ERR_INTERNAL', message: err instanceof Error ? err.message : String(err) });
  };
  switch (effect.type) {
    case 'effect.queue-join':
      if (!acd) return queueError(effect.queue, hotlineError('HOTLINE_ERR_UNSUPPORTED', 'this node runs no ACD'));
      acd
        .join({ callId, queue: effect.queue, from: host.leg.from, vars: host.variables(), ...(effect.priority === undefined ? {} : { priority: effect.priority }) })
        .catch((err: unknown) => queueError(effect.queue, err));
      return;
    case 'effect.queue-leave':
      acd?.leave(callId, effect.reason).catch((err: unknown) => host.logger.warn({ err: describe(err), queue: effect.queue }, 'leaving the queue failed'));
      return;
    case 'effect.queue-status': {
      // A failed check answers "nothing to say" so the wait goes on and asks again later.
      const quiet = { position: 0, ewtMinutes: 0, everyMs: 0, sayPosition: false, sayWait: false };
      (acd ? acd.status(callId) : Promise.resolve(quiet))
        .catch((err: unknown) => {
          host.logger.warn({ err: describe(err), queue: effect.queue }, 'queue status failed');
          return quiet;
        })
        .then((status) => host.dispatch({ type: 'queue.status', checkId: effect.checkId, ...status }));
      return;
    }
    case 'effect.queue-connect':
      acd?.connect(callId).catch((err: unknown) => queueError(effect.queue, err));
      return;
  }
}

function runRecordingEffect(host: EffectHost, effect: Extract<FlowEffect, { type: 'effect.recording' }>): void {
  const recordings = host.recordings;
  const callId = host.leg.id;
  const requestId = effect.requestId;
  const failed = (err: unknown) => {
    if (host.isEnded()) return;
    host.logger.warn({ err: describe(err), step: effect.step, action: effect.action }, requestId ? 'record step failed' : 'pausing the recording failed');
    if (requestId) {
      host.dispatch({ type: 'recording.error', requestId, code: isHotlineError(err) ? err.code : 'HOTLINE_ERR_INTERNAL', message: err instanceof Error ? err.message : String(err) });
    }
  };
  if (!recordings) {
    // A sensitive step on a node that records nothing has nothing to pause.
    if (requestId) failed(hotlineError('HOTLINE_ERR_UNSUPPORTED', 'this node records no calls'));
    return;
  }
  let op: Promise<{ id: string } | void>;
  switch (effect.action) {
    case 'start':
      op = recordings.start({ callId, flowId: host.flowId, target: 'call', source: 'flow', handle: host.leg });
      break;
    case 'stop':
      op = recordings.stop(callId, 'call');
      break;
    case 'pause':
      op = recordings.pause(callId, effect.reason);
      break;
    case 'resume':
      op = recordings.resume(callId, effect.reason);
      break;
  }
  op.then((result) => {
    if (requestId) host.dispatch({ type: 'recording.applied', requestId, ...(result ? { recordingId: result.id } : {}) });
  }, failed);
}

function ignorable(host: EffectHost, err: unknown): boolean {
  return host.isEnded() || isHotlineError(err, 'HOTLINE_ERR_CALL_ENDED');
}

function warnUnlessGone(host: EffectHost, err: unknown, msg: string): void {
  if (!ignorable(host, err)) host.logger.warn({ err: describe(err) }, msg);
}

function describe(err: unknown): Record<string, unknown> {
  if (isHotlineError(err)) return { code: err.code, message: err.message };
  return { message: err instanceof Error ? err.message : String(err) };
}

/** Query strings may carry caller data (order numbers, phone numbers): log the path only. */
function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?…`;
}
