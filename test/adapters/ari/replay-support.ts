import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AriTelephonyDriver } from '../../../src/adapters/ari/ari-driver.ts';
import type { AriEvent } from '../../../src/adapters/ari/ari-events.ts';
import type { CallLeg, LegEvent } from '../../../src/ports/telephony.ts';
import { FIXTURES_DIR } from '../../fakes/ari/api-spec.ts';

/** One line of a capture (`README.md`, "Line format"). */
export interface CaptureLine {
  seq: number;
  kind: string;
  id?: number;
  method?: string;
  path?: string;
  query?: Record<string, string>;
  body?: unknown;
  status?: number;
  event?: Record<string, unknown> & { type: string };
  text?: string;
}

export function readCapture(file: string): CaptureLine[] {
  return readFileSync(join(FIXTURES_DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CaptureLine);
}

/** What a replay produced: legs handed to `onCall`, each leg's events, errors of mirrored commands. */
export interface ReplayResult {
  driver: AriTelephonyDriver;
  incoming: { leg: CallLeg; recovered: boolean; variables?: Record<string, string> }[];
  events: Map<string, LegEvent[]>;
  /** Captured id → the id Hotline used (playbacks, originated legs, snoops). */
  ids: Map<string, string>;
  errors: { seq: number; code: string }[];
  originated: CallLeg[];
  /** REST requests the driver sent (`METHOD /path?query`, below `/ari`). */
  requests: string[];
}

/**
 * Replays a capture through the ARI driver without a socket: captured `ws_event`s go to
 * `driver.handleEvent` (with captured ids rewritten to the ids Hotline chose), and the captured
 * client's commands are mirrored as port calls on the legs (play, record, stop, hang-up,
 * originate). REST answers come from the capture's paired `http_response` when there is one.
 */
export async function replay(file: string, options: { until?: number } = {}): Promise<ReplayResult> {
  const lines = readCapture(file).filter((l) => options.until === undefined || l.seq < options.until);
  const responses = new Map<number, CaptureLine>();
  for (const l of lines) if (l.kind === 'http_response' && l.id !== undefined) responses.set(l.id, l);
  const stoppedByClient = new Set<string>();
  for (const l of lines) {
    const m = l.kind === 'http_request' && l.method === 'DELETE' ? /^\/playbacks\/(.+)$/.exec(l.path ?? '') : null;
    if (m?.[1]) stoppedByClient.add(m[1]);
  }

  let next: CaptureLine | undefined;
  const requests: string[] = [];
  const fetchStub = (async (url: string | URL | Request, init?: RequestInit) => {
    requests.push(`${init?.method ?? 'GET'} ${String(url).replace(/^.*\/ari/, '')}`);
    const captured = next;
    next = undefined;
    const status = captured?.status ?? (init?.method === 'GET' ? 200 : 204);
    const body = captured ? captured.body : init?.method === 'GET' ? [] : null;
    return new Response(status === 204 || body === null ? null : JSON.stringify(body), { status });
  }) as typeof fetch;

  const driver = new AriTelephonyDriver({ url: 'http://127.0.0.1:1', username: 'u', password: 'p', app: 'ivr', fetch: fetchStub });
  const result: ReplayResult = { driver, incoming: [], events: new Map(), ids: new Map(), errors: [], originated: [], requests };
  const watch = (leg: CallLeg) => {
    const list: LegEvent[] = [];
    result.events.set(leg.id, list);
    leg.subscribe((e) => list.push(e));
  };
  driver.attachHandler((leg, info) => {
    watch(leg);
    result.incoming.push({ leg, recovered: info.recovered, ...(info.variables ? { variables: info.variables } : {}) });
  });
  const legOf = (capturedId: string) => driver.getLeg(result.ids.get(capturedId) ?? capturedId);
  let playbacks = 0;
  let snoops = 0;

  for (const line of lines) {
    if (line.kind === 'ws_event' && line.event) {
      let text = JSON.stringify(line.event);
      for (const [from, to] of result.ids) text = text.split(`"${from}"`).join(`"${to}"`).split(`:${from}"`).join(`:${to}"`);
      driver.handleEvent(JSON.parse(text) as AriEvent);
      continue;
    }
    if (line.kind !== 'http_request' || !line.path) continue;
    const response = line.id === undefined ? undefined : responses.get(line.id);
    const responseId = (response?.body as { id?: string } | null)?.id;
    const path = line.path;
    const q = line.query ?? {};
    const mirror = async (fn: () => Promise<unknown>) => {
      next = response;
      try {
        await fn();
      } catch (err) {
        result.errors.push({ seq: line.seq, code: (err as { code?: string }).code ?? 'non-hotline-error' });
      }
      next = undefined;
    };
    let m: RegExpExecArray | null;
    if (line.method === 'POST' && (m = /^\/channels\/([^/]+)\/play$/.exec(path))) {
      const leg = legOf(m[1] ?? '');
      const playbackId = `pb-${++playbacks}`;
      if (responseId) result.ids.set(responseId, playbackId);
      const bargeIn = responseId !== undefined && stoppedByClient.has(responseId);
      if (leg) await mirror(() => leg.play([{ kind: 'sound', name: 'replayed' }], { playbackId, bargeIn }));
      else result.errors.push({ seq: line.seq, code: 'HOTLINE_ERR_CALL_ENDED' });
    } else if (line.method === 'POST' && (m = /^\/channels\/([^/]+)\/record$/.exec(path))) {
      const leg = legOf(m[1] ?? '');
      await mirror(async () =>
        leg?.startRecording?.({
          recordingId: q['name'] ?? 'rec',
          ...(q['beep'] ? { beep: q['beep'] === 'true' } : {}),
          ...(q['terminateOn'] ? { terminateOn: q['terminateOn'] } : {}),
          ...(q['maxDurationSeconds'] ? { maxDurationMs: Number(q['maxDurationSeconds']) * 1000 } : {}),
        }),
      );
    } else if (line.method === 'POST' && (m = /^\/recordings\/live\/([^/]+)\/stop$/.exec(path))) {
      const name = m[1] ?? '';
      for (const id of result.events.keys()) {
        const leg = driver.getLeg(id);
        if (leg?.stopRecording) await mirror(() => leg.stopRecording!(name));
      }
    } else if (line.method === 'DELETE' && (m = /^\/channels\/([^/]+)$/.exec(path))) {
      const leg = legOf(m[1] ?? '');
      if (leg) await mirror(() => leg.hangup());
    } else if (line.method === 'POST' && path === '/channels' && q['app']) {
      await mirror(async () => {
        const leg = await driver.originate({ to: 'PJSIP/200', timeoutMs: Number(q['timeout'] ?? 30) * 1000, purpose: 'agent' });
        watch(leg);
        result.originated.push(leg);
        if (responseId) result.ids.set(responseId, leg.id);
      });
    } else if (line.method === 'POST' && /^\/channels\/[^/]+\/snoop/.test(path) && responseId) {
      // Snoops Hotline makes carry its prefix; the captured client's did not.
      result.ids.set(responseId, `hotline-snoop-replay-${++snoops}`);
    }
  }
  return result;
}

/** Event types of a leg, compactly (`prompt.done:stopped`, `call.dtmf:1`). */
export function summary(events: readonly LegEvent[]): string[] {
  return events.map((e) => {
    switch (e.type) {
      case 'prompt.started':
        return `prompt.started:${e.playbackId}`;
      case 'prompt.done':
        return `prompt.done:${e.playbackId}:${e.reason}`;
      case 'call.dtmf':
        return `call.dtmf:${e.digit}:${e.durationMs}`;
      case 'call.hangup':
        return `call.hangup:${e.cause}:${e.by}`;
      case 'recording.done':
        return `recording.done:${e.recordingId}:${e.reason}:${e.durationMs ?? '-'}`;
      default:
        return e.type;
    }
  });
}
