/**
 * A real Hotline (createApp) on the simulated PBX for the callback scenario tests
 * (`test/app/callback-*.test.ts`): one ManualClock for the app (ACD sweep, job runner, callback
 * times) started at a fixed New York time, driven together with every simulated leg's own clock
 * so "30 seconds pass" means the same thing to the caller, the ACD and the callbacks. The far
 * end is played through the HTTP API only.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp, type HotlineApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ManualClock } from '../../src/adapters/clock/manual-clock.ts';
import type { SimTelephonyDriver } from '../../src/adapters/sim/sim-driver.ts';
import { silentLogger, type Logger } from '../../src/ports/logger.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { freePort } from './processes.ts';

/** Monday 23 November 2026, 10:00 in New York: billing and support are open (08:00-20:00). */
export const MONDAY_10AM_NY = '2026-11-23T10:00:00-05:00';
/** The same Monday, 21:00 in New York: closed until Tuesday 08:00. */
export const MONDAY_9PM_NY = '2026-11-23T21:00:00-05:00';
/** The sample line's number. */
export const SAMPLE_LINE = '+18005550100';
export const ADMIN_TOKEN = 'callback-admin-token-0123456789';

/** One API answer. */
export interface ApiAnswer {
  status: number;
  body: any;
}

/** `api('GET', '/callbacks')` → `/api/callbacks` with the admin token. */
export type Api = (method: string, path: string, body?: unknown) => Promise<ApiAnswer>;

/** What the helper started. */
export interface CallbackApp {
  app: HotlineApp;
  api: Api;
  clock: ManualClock;
  flowsDir: string;
  /** Moves the app clock and every live simulated leg's clock by `ms`, in steps of `stepMs` (250). */
  advance(ms: number, stepMs?: number): Promise<void>;
  /** Advances in small steps until `check` returns something (not undefined, null or false); fails after `maxMs` simulated. */
  advanceUntil<T>(check: () => Promise<T | undefined | null | false>, what: string, maxMs?: number): Promise<T>;
  /** Places a call to the sample line (or `to`) from `from`, at the app clock's time. */
  call(from: string, to?: string): Promise<string>;
  /** Presses keys on a leg. */
  dtmf(callId: string, digits: string): Promise<void>;
  /** Sound names (and `number:N`, `digits:N`, `text:…`) played to a call so far, in order. */
  heard(callId: string): Promise<string[]>;
  /** Advances until `callId` has been played `sound` (counting from `after` prompts heard). */
  untilHeard(callId: string, sound: string, options?: { after?: number; maxMs?: number }): Promise<number>;
  /** Logs an agent in whose sim phone waits for `/sim/agents/{id}/answer`. */
  login(agentId: string, skills: Record<string, number>): Promise<void>;
  /** The outbound legs the sim shows (`GET /api/sim/outbound`). */
  outbound(): Promise<Array<{ id: string; status: string; to: string; from: string }>>;
  /** A callback as the API shows it. */
  callback(id: string): Promise<any>;
  close(): Promise<void>;
}

/** Options of {@link startCallbackApp}. */
export interface CallbackAppOptions {
  /** Where the app clock starts (ISO text with offset, or epoch ms). */
  at: string | number;
  /** A flows directory (default: a copy of the shipped `flows/`). */
  flowsDir?: string;
  redisUrl?: string;
  env?: Record<string, string>;
}

/**
 * A copy of the shipped `flows/` in a temp dir, with `edits` (file path → new text, or a
 * function of the old text) applied.
 */
export function copyFlows(edits: Record<string, string | ((old: string) => string)> = {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'hotline-cb-flows-')), 'flows');
  cpSync(resolve('flows'), dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const path = join(dir, file);
    writeFileSync(path, typeof edit === 'string' ? edit : edit(readFileSync(path, 'utf8')));
  }
  return dir;
}

const settle = () => new Promise<void>((r) => setImmediate(r));
const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts Hotline with PBX=sim on a ManualClock at `options.at`, listening on a loopback port. */
export async function startCallbackApp(options: CallbackAppOptions): Promise<CallbackApp> {
  const start = typeof options.at === 'number' ? options.at : Date.parse(options.at);
  const clock = new ManualClock(start);
  const flowsDir = options.flowsDir ?? copyFlows();
  const port = await freePort();
  const config = loadConfig({
    env: {
      PORT: String(port),
      FLOWS_DIR: flowsDir,
      SOUNDS_DIR: resolve('sounds'),
      SIM_REALTIME: 'false',
      HOTLINE_ADMIN_TOKEN: ADMIN_TOKEN,
      RECORDINGS_DIR: join(mkdtempSync(join(tmpdir(), 'hotline-cb-rec-')), 'recordings'),
      LOG_LEVEL: 'silent',
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      ...options.env,
    },
  });
  // HOTLINE_TEST_LOG=debug shows the app's log while a scenario runs.
  const level = process.env.HOTLINE_TEST_LOG;
  const logger = level ? (createLogger({ level: level as 'debug' }) as unknown as Logger) : silentLogger;
  const app = await createApp(config, { logger, clock });
  await app.listen({ port, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}/api`;
  const sim = app.driver as unknown as SimTelephonyDriver;
  // Slow stores (Redis) answer over sockets: give I/O a few turns after each step.
  const ioTurns = options.redisUrl ? 3 : 0;

  const api: Api = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, body: type.includes('json') ? await res.json() : await res.text() };
  };

  const advance = async (ms: number, stepMs = 250): Promise<void> => {
    for (let left = ms; left > 0; left -= stepMs) {
      const step = Math.min(stepMs, left);
      await clock.advance(step);
      for (const leg of sim.legs()) await leg.clock.advance(step);
      for (const bridge of sim.bridges()) await bridge.clock.advance(step);
      for (let i = 0; i < ioTurns; i++) await pause(1);
      await settle();
    }
  };

  const advanceUntil = async <T>(check: () => Promise<T | undefined | null | false>, what: string, maxMs = 120_000): Promise<T> => {
    for (let spent = 0; ; spent += 250) {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
      if (spent >= maxMs) assert.fail(`after ${maxMs / 1000} simulated seconds, still waiting for ${what}`);
      await advance(250);
    }
  };

  const heard = async (callId: string): Promise<string[]> => {
    const call = await api('GET', `/calls/${callId}`);
    if (call.status === 404) return []; // its session is still starting
    assert.equal(call.status, 200, `GET /calls/${callId}: ${JSON.stringify(call.body)}`);
    return (call.body.prompts as Array<{ media: Array<Record<string, unknown>> }>).flatMap((p) =>
      p.media.map((m) => (m.kind === 'sound' ? String(m.name) : `${String(m.kind)}:${String(m.value ?? m.text ?? m.name)}`)),
    );
  };

  return {
    app,
    api,
    clock,
    flowsDir,
    advance,
    advanceUntil,
    async call(from, to = SAMPLE_LINE) {
      const placed = await api('POST', '/sim/calls', { to, from, at: new Date(clock.now()).toISOString() });
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      return placed.body.id as string;
    },
    async dtmf(callId, digits) {
      const res = await api('POST', `/sim/calls/${callId}/dtmf`, { digits });
      assert.equal(res.status, 200, `dtmf ${digits} on ${callId}: ${JSON.stringify(res.body)}`);
      for (let i = 0; i < ioTurns; i++) await pause(1);
    },
    heard,
    async untilHeard(callId, sound, opts = {}) {
      const after = opts.after ?? 0;
      return advanceUntil(
        async () => {
          const index = (await heard(callId)).indexOf(sound, after);
          return index >= 0 ? index + 1 : undefined;
        },
        `${callId} to hear ${sound}`,
        opts.maxMs,
      );
    },
    async login(agentId, skills) {
      const res = await api('POST', `/agents/${agentId}/login`, { endpoint: `sim:${agentId}`, skills, answer: 'manual' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    },
    async outbound() {
      return (await api('GET', '/sim/outbound')).body.calls;
    },
    async callback(id) {
      const res = await api('GET', `/callbacks/${id}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    },
    async close() {
      // app.close() waits at most 2 s for attempts still dialling on an unref'd timer: keep the
      // loop alive meanwhile, or the test runner sees a drained loop and a pending test.
      const keepAlive = setInterval(() => undefined, 100);
      try {
        await app.close();
      } finally {
        clearInterval(keepAlive);
        sim.dispose();
      }
    },
  };
}
