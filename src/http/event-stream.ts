import { Router, type Response } from 'express';
import type { AcdEvent } from '../core/acd/acd-api.ts';
import type { CallServiceEvent, CallServiceListener } from '../core/call/types.ts';
import { hotlineError } from '../core/errors.ts';
import type { Clock, TimerHandle } from '../ports/clock.ts';
import { systemClock } from '../adapters/clock/system-clock.ts';

/** What the live stream carries. */
export type StreamEvent = AcdEvent | CallServiceEvent;

/** Every event type the stream can carry (the `?types=` filter accepts these). */
export const STREAM_EVENT_TYPES: readonly StreamEvent['type'][] = [
  'agent.offered', 'agent.state', 'queue.joined', 'queue.left', 'queue.answered', 'queue.overflowed',
  'call.started', 'step.entered', 'prompt.played', 'call.ended', 'call.error',
];

/** Options of {@link eventStreamRoutes}. */
export interface EventStreamDeps {
  /** ACD events (`AcdApi.on`). */
  acd?: { on(listener: (event: AcdEvent) => void): () => void };
  /** Call events (`CallService.on`). */
  events?: { on(listener: CallServiceListener): () => void };
  /** Clock of the heartbeat (tests pass a manual clock). Default: the system clock. */
  clock?: Clock;
  /** Heartbeat period. Default 15 s: under the idle timeouts of common proxies. */
  heartbeatMs?: number;
  /** A client that has this many bytes unsent is cut off rather than buffered without end. Default 1 MiB. */
  maxBufferedBytes?: number;
}

/**
 * `GET /api/events`: ACD and call events as Server-Sent Events, one frame per event:
 *
 * ```text
 * event: queue.answered
 * data: {"type":"queue.answered","callId":"sim-1a2b3c4d","queue":"billing",...}
 * ```
 *
 * `?types=agent.offered,queue.answered` keeps only those types (400 for a type that does not
 * exist). A `: heartbeat` comment every 15 s keeps proxies from closing an idle stream. The
 * subscriptions end when the client goes away.
 *
 * @example
 * curl -N -H "Authorization: Bearer $TOKEN" 'http://127.0.0.1:8080/api/events?types=agent.offered'
 */
export function eventStreamRoutes(deps: EventStreamDeps): Router {
  const router = Router();
  const clock = deps.clock ?? systemClock;
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const maxBuffered = deps.maxBufferedBytes ?? 1024 * 1024;

  router.get('/events', (req, res) => {
    const types = parseTypes(req.query.types);
    res.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx buffers proxied responses unless told not to; events would arrive in bursts.
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    res.write(': connected\n\n');

    let closed = false;
    let timer: TimerHandle | undefined;
    const unsubscribe: Array<() => void> = [];
    const close = (): void => {
      if (closed) return;
      closed = true;
      for (const off of unsubscribe.splice(0)) off();
      if (timer !== undefined) clock.clearTimeout(timer);
    };
    const write = (chunk: string): void => {
      if (closed) return;
      if (res.writableLength > maxBuffered) {
        close();
        res.end();
        return;
      }
      writeSafely(res, chunk);
    };
    const send = (event: StreamEvent): void => {
      if (types && !types.has(event.type)) return;
      write(frame(event));
    };
    const beat = (): void => {
      write(': heartbeat\n\n');
      if (!closed) timer = clock.setTimeout(beat, heartbeatMs);
    };

    // `res` closes when the client goes away (`req` may close as soon as its body was read).
    res.on('close', close);
    if (deps.acd) unsubscribe.push(deps.acd.on(send));
    if (deps.events) unsubscribe.push(deps.events.on(send));
    timer = clock.setTimeout(beat, heartbeatMs);
  });
  return router;
}

/** One SSE frame. JSON never contains a raw newline, so the data fits on one `data:` line. */
export function frame(event: StreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

function parseTypes(value: unknown): Set<string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 1000) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', '`types` must be a comma-separated list of event types', { field: 'types' });
  }
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(STREAM_EVENT_TYPES as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `\`types\` must list event types among ${STREAM_EVENT_TYPES.join(', ')}`, {
      field: 'types',
      ...(unknown.length > 0 ? { unknown: unknown.slice(0, 5).map((name) => name.slice(0, 40)) } : {}),
    });
  }
  return new Set(names);
}

function writeSafely(res: Response, chunk: string): void {
  try {
    res.write(chunk);
  } catch {
    // The socket went away between the check and the write; `close` cleans up.
  }
}
