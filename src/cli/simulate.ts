import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { DEFAULT_TRANSFER_ALLOW } from '../config/schema.ts';
import { CallService } from '../core/call/call-service.ts';
import type { CallServiceEvent } from '../core/call/types.ts';
import { isHotlineError } from '../core/errors.ts';
import { compileFlow } from '../core/flow/compile.ts';
import { formatDiagnostic } from '../core/flow/diagnostics.ts';
import { FlowRegistry } from '../core/flow/registry.ts';
import type { HttpClient } from '../ports/http-client.ts';
import { silentLogger } from '../ports/logger.ts';
import { settle } from '../adapters/clock/manual-clock.ts';
import { systemClock } from '../adapters/clock/system-clock.ts';
import { FetchHttpClient } from '../adapters/fetch-http/fetch-http-client.ts';
import { FsSoundLibrary } from '../adapters/fs-sounds/fs-sound-library.ts';
import { MemorySessionStore } from '../adapters/memory/memory-session-store.ts';
import { SimTelephonyDriver } from '../adapters/sim/sim-driver.ts';
import { demoCrmRoutes } from '../http/demo-crm-routes.ts';
import { errorHandler, notFoundHandler } from '../http/error-handler.ts';
import { parseIsoTime } from '../http/validate.ts';
import type { CliIo } from './io.ts';
import { parseScript, type ScriptEvent } from './simulate-script.ts';

/** Options of {@link simulate}. */
export interface SimulateOptions {
  to: string;
  from?: string;
  /** ISO time the call's clock starts at (business hours). */
  at?: string;
  /** Comma-separated script: digits, `say:<words>`, `wait:<N>s`, `hangup`. */
  input: string;
  json: boolean;
  flowsDir: string;
  soundsDir: string;
  /** `settings.*` for flows; `crm_url` defaults to a demo CRM started for the run. */
  settings?: Record<string, string>;
  defaultFlow?: string;
  transferAllow?: string[];
}

/** Simulated time a call may run between two inputs before the script moves on. */
const MAX_WAIT_MS = 3600_000;

/**
 * Runs one simulated call in-process: a sim PBX with a manual clock, memory store, the flows of
 * `flowsDir` and the call service, no HTTP server but the demo CRM. Before each digit or phrase
 * it fast-forwards the call until the flow waits for input. Returns the exit code: 0 when the
 * script ran to its end, 1 when the call ended early or failed, 2 for bad options.
 *
 * @example
 * await simulate({ to: '+18005550100', input: '3, 123450#, 2', json: true, flowsDir: 'flows', soundsDir: 'sounds' }, processIo);
 */
export async function simulate(options: SimulateOptions, io: CliIo): Promise<number> {
  let script: ScriptEvent[];
  let at: number | undefined;
  try {
    script = parseScript(options.input);
    at = options.at === undefined ? undefined : parseIsoTime(options.at, '--at');
  } catch (err) {
    io.stderr(`hotline simulate: ${(err as Error).message}\n`);
    return 2;
  }

  const cleanup: Array<() => Promise<void> | void> = [];
  try {
    const sounds = await FsSoundLibrary.load(options.soundsDir);
    const settings = { ...(options.settings ?? {}) };
    if (!settings.crm_url) {
      const crm = await startDemoCrm();
      cleanup.push(crm.close);
      settings.crm_url = crm.url;
    }
    const registry = new FlowRegistry({ dir: options.flowsDir, compile: compileFlow, sounds, logger: silentLogger });
    const { loaded, diagnostics } = await registry.load();
    for (const d of diagnostics) if (d.severity === 'error') io.stderr(`${formatDiagnostic(d)}\n`);
    if (loaded.length === 0) {
      io.stderr(`hotline simulate: no flow loaded from ${options.flowsDir}\n`);
      return 1;
    }

    const driver = new SimTelephonyDriver({ sounds, realtime: false, logger: silentLogger });
    const store = new MemorySessionStore();
    const http = new TrackingHttpClient(new FetchHttpClient());
    const calls = new CallService({
      driver,
      flows: registry,
      store,
      clock: systemClock,
      http,
      logger: silentLogger,
      settings,
      defaultFlow: options.defaultFlow ?? 'support-line',
      transferAllow: options.transferAllow ?? [...DEFAULT_TRANSFER_ALLOW],
      endedRetentionMs: MAX_WAIT_MS,
    });
    cleanup.push(() => calls.shutdown(), () => driver.stop(), () => store.close());
    let endedEvent: Extract<CallServiceEvent, { type: 'call.ended' }> | undefined;
    let started = false;
    // A simulate run has exactly one call, so every event is about it.
    calls.on((event) => {
      if (event.type === 'call.started') started = true;
      if (event.type === 'call.ended') endedEvent = event;
      print(io, options.json, event);
    });
    await driver.start(calls.handleIncoming);

    const leg = driver.placeCall({ to: options.to, ...(options.from ? { from: options.from } : {}), ...(at !== undefined ? { at } : {}) });
    cleanup.push(() => leg.clock.dispose());
    const clock = leg.clock;
    const ended = (): boolean => endedEvent !== undefined || leg.status === 'ended' || leg.status === 'transferred' || calls.session(leg.id)?.ended() === true;
    const awaiting = (): boolean => calls.session(leg.id)?.awaitingInput() === true;

    const idle = async (): Promise<void> => {
      await settle();
      await http.idle();
      await settle();
    };
    const untilInput = async (): Promise<void> => {
      const limit = clock.now() + MAX_WAIT_MS;
      for (;;) {
        await idle();
        if (ended() || awaiting()) return;
        const next = clock.nextDueAt();
        if (next === undefined || next > limit) return;
        await clock.advanceTo(next);
      }
    };
    const advanceBy = async (ms: number): Promise<void> => {
      const target = clock.now() + ms;
      for (;;) {
        await idle();
        const next = clock.nextDueAt();
        if (ended() || next === undefined || next > target) break;
        await clock.advanceTo(next);
      }
      await clock.advanceTo(target);
      await idle();
    };

    let completed = true;
    for (const [i, event] of script.entries()) {
      if (event.kind === 'digits' || event.kind === 'say') await untilInput();
      if (ended()) {
        io.stderr(`hotline simulate: the call ended before input event ${i + 1} (${describeInput(event)})\n`);
        completed = false;
        break;
      }
      if (!options.json) io.stdout(`${stamp(clock.now())} caller ${describeInput(event)}\n`);
      if (event.kind === 'digits') await leg.pressDigits(event.digits);
      else if (event.kind === 'say') await leg.say(event.text);
      else if (event.kind === 'wait') await advanceBy(event.ms);
      else await leg.remoteHangup();
      await idle();
    }
    await untilInput();
    if (!ended()) {
      if (!options.json) io.stdout(`${stamp(clock.now())} caller hangs up\n`);
      await leg.remoteHangup();
    }
    for (let i = 0; i < 200 && !endedEvent; i++) await idle();

    if (!started) {
      io.stderr(`hotline simulate: no flow answered ${options.to} (and no default flow)\n`);
      return 1;
    }
    const view = await calls.getCall(leg.id);
    const result = {
      event: 'result',
      path: view?.path ?? endedEvent?.path ?? [],
      outcome: view?.outcome ?? endedEvent?.outcome ?? 'unknown',
      variables: view?.variables ?? {},
    };
    if (options.json) io.stdout(`${JSON.stringify(result)}\n`);
    else io.stdout(`result: ${result.outcome}\npath: ${result.path.join(' → ')}\nvariables: ${JSON.stringify(result.variables)}\n`);
    return completed ? 0 : 1;
  } catch (err) {
    io.stderr(`hotline simulate: ${isHotlineError(err) ? `${err.code}: ${err.message}` : (err as Error).stack ?? String(err)}\n`);
    return isHotlineError(err, 'HOTLINE_ERR_BAD_REQUEST') ? 2 : 1;
  } finally {
    for (const fn of cleanup.reverse()) await Promise.resolve().then(fn).catch(() => {});
  }
}

/** Counts requests in flight so the clock is not moved past an `http` step's timeout while its real request runs. */
class TrackingHttpClient implements HttpClient {
  #pending = new Set<Promise<unknown>>();
  constructor(private readonly inner: HttpClient) {}
  request(request: Parameters<HttpClient['request']>[0]): ReturnType<HttpClient['request']> {
    const p = this.inner.request(request);
    const tracked = p.finally(() => this.#pending.delete(tracked));
    tracked.catch(() => {});
    this.#pending.add(tracked);
    return p;
  }
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}

async function startDemoCrm(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use('/demo/crm', demoCrmRoutes());
  app.use(notFoundHandler);
  app.use(errorHandler({ logger: silentLogger }));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/demo/crm`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function print(io: CliIo, json: boolean, event: CallServiceEvent): void {
  const at = new Date(event.at).toISOString();
  if (event.type === 'step.entered') {
    io.stdout(json ? `${JSON.stringify({ event: 'step', step: event.step, kind: event.kind, at })}\n` : `${stamp(event.at)} step ${event.step} (${event.kind})\n`);
  } else if (event.type === 'prompt.played') {
    io.stdout(json ? `${JSON.stringify({ event: 'prompt', step: event.step, media: event.media, at })}\n` : `${stamp(event.at)}   plays ${event.media.map(describeMedia).join(', ')}\n`);
  } else if (event.type === 'call.error' && !json) {
    io.stdout(`${stamp(event.at)} error ${event.code}: ${event.message}\n`);
  }
}

function stamp(ms: number): string {
  return `[${new Date(ms).toISOString()}]`;
}

function describeMedia(media: unknown): string {
  const m = media as { kind?: string; name?: string; text?: string; value?: unknown };
  switch (m.kind) {
    case 'sound':
      return m.name ?? '?';
    case 'text':
      return JSON.stringify(m.text);
    case 'digits':
      return `digits ${String(m.value)}`;
    case 'number':
      return `number ${String(m.value)}`;
    case 'tone':
      return `tone ${m.name ?? ''}`;
    default:
      return JSON.stringify(media);
  }
}

function describeInput(event: ScriptEvent): string {
  switch (event.kind) {
    case 'digits':
      return `presses ${event.digits}`;
    case 'say':
      return `says ${JSON.stringify(event.text)}`;
    case 'wait':
      return `waits ${event.ms / 1000}s`;
    case 'hangup':
      return 'hangs up';
  }
}
