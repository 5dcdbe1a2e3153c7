import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { ManualClock } from '../../src/adapters/clock/manual-clock.ts';
import type { AcdEvent, ScreenPop } from '../../src/core/acd/acd-api.ts';
import type { CallServiceEvent } from '../../src/core/call/types.ts';
import { errorHandler } from '../../src/http/error-handler.ts';
import { eventStreamRoutes, frame } from '../../src/http/event-stream.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { serve } from './fakes.ts';

const T0 = Date.parse('2026-11-23T14:00:00Z');

/** An event source like `AcdApi.on` / `CallService.on`. */
class Source<E> {
  readonly listeners = new Set<(e: E) => void>();
  on(listener: (e: E) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: E): void {
    for (const l of [...this.listeners]) l(event);
  }
}

/** One parsed SSE block: a comment or an event with data. */
interface Block {
  comment?: string;
  event?: string;
  data?: unknown;
}

/** Reads an SSE response block by block. */
class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';
  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }
  async next(): Promise<Block> {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end >= 0) {
        const raw = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        return parseBlock(raw);
      }
      const { value, done } = await this.#reader.read();
      if (done) throw new Error(`stream ended; unparsed: ${JSON.stringify(this.#buffer)}`);
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }
  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

function parseBlock(raw: string): Block {
  const block: Block = {};
  for (const line of raw.split('\n')) {
    if (line.startsWith(':')) block.comment = line.slice(1).trim();
    else if (line.startsWith('event: ')) block.event = line.slice(7);
    else if (line.startsWith('data: ')) block.data = JSON.parse(line.slice(6));
    else throw new Error(`unexpected SSE line ${JSON.stringify(line)}`);
  }
  return block;
}

const pop: ScreenPop = {
  offerId: 'o1', callId: 'c1', queue: 'billing', agentId: 'alice', from: '+15551230000', to: '100', priority: 0,
  waitSeconds: 4, variables: { note: 'line one\nline two' }, lookups: {}, path: ['welcome'], at: T0,
};

describe('GET /api/events', () => {
  const acd = new Source<AcdEvent>();
  const calls = new Source<CallServiceEvent>();
  const clock = new ManualClock(T0);
  let base = '';
  let close: () => Promise<void>;
  before(async () => {
    const app = express();
    app.use('/api', eventStreamRoutes({ acd, events: calls, clock }));
    app.use(errorHandler({ logger: silentLogger }));
    const s = await serve(app);
    base = s.url;
    close = s.close;
  });
  after(() => close());

  async function open(query = ''): Promise<{ res: Response; sse: SseReader; controller: AbortController }> {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/events${query}`, { signal: controller.signal });
    assert.equal(res.status, 200);
    const sse = new SseReader(res.body!);
    assert.deepEqual(await sse.next(), { comment: 'connected' });
    return { res, sse, controller };
  }

  /** Waits until the server has (un)subscribed. */
  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setImmediate(resolve));
    assert.ok(check(), 'condition not reached');
  }

  it('streams ACD and call events as named SSE frames', async () => {
    const { res, sse, controller } = await open();
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(res.headers.get('cache-control'), 'no-cache, no-transform');
    await until(() => acd.listeners.size === 1 && calls.listeners.size === 1);

    acd.emit({ type: 'agent.offered', screenPop: pop });
    calls.emit({ type: 'call.started', callId: 'c2', flowId: 'support-line', version: 'v1', from: '+1555', to: '100', at: T0 });
    acd.emit({ type: 'queue.answered', callId: 'c1', queue: 'billing', agentId: 'alice', waitSeconds: 4, at: T0 });

    assert.deepEqual(await sse.next(), { event: 'agent.offered', data: { type: 'agent.offered', screenPop: pop } });
    assert.deepEqual(await sse.next(), {
      event: 'call.started',
      data: { type: 'call.started', callId: 'c2', flowId: 'support-line', version: 'v1', from: '+1555', to: '100', at: T0 },
    });
    assert.deepEqual((await sse.next()).event, 'queue.answered');
    controller.abort();
  });

  it('keeps only the types asked for', async () => {
    const { sse, controller } = await open('?types=agent.offered,queue.answered');
    await until(() => acd.listeners.size === 1);
    acd.emit({ type: 'agent.state', agentId: 'alice', state: 'paused', reason: 'break', at: T0 });
    calls.emit({ type: 'step.entered', callId: 'c2', step: 'welcome', kind: 'play', at: T0 });
    acd.emit({ type: 'queue.answered', callId: 'c1', queue: 'billing', agentId: 'alice', waitSeconds: 4, at: T0 });
    assert.equal((await sse.next()).event, 'queue.answered');
    controller.abort();
  });

  it('sends a heartbeat comment every 15 s on its clock', async () => {
    const { sse, controller } = await open();
    await until(() => acd.listeners.size === 1);
    await clock.advance(14_999);
    acd.emit({ type: 'queue.joined', callId: 'c3', queue: 'billing', priority: 0, at: T0 });
    assert.equal((await sse.next()).event, 'queue.joined'); // no heartbeat before it
    await clock.advance(1);
    assert.deepEqual(await sse.next(), { comment: 'heartbeat' });
    await clock.advance(15_000);
    assert.deepEqual(await sse.next(), { comment: 'heartbeat' });
    controller.abort();
  });

  it('unsubscribes and stops the heartbeat when the client goes away', async () => {
    const { controller } = await open();
    await until(() => acd.listeners.size === 1 && calls.listeners.size === 1);
    const timersBefore = clock.pendingCount();
    assert.ok(timersBefore >= 1);
    controller.abort();
    await until(() => acd.listeners.size === 0 && calls.listeners.size === 0);
    assert.equal(clock.pendingCount(), timersBefore - 1);
    // Events after the client left go nowhere and throw nothing.
    acd.emit({ type: 'queue.joined', callId: 'c4', queue: 'billing', priority: 0, at: T0 });
  });

  it('answers 400 for unknown or empty types, before streaming', async () => {
    for (const query of ['?types=agent.offered,agent.teleported', '?types=', '?types=,']) {
      const res = await fetch(`${base}/api/events${query}`);
      assert.equal(res.status, 400, query);
      const body = (await res.json()) as { error: { code: string; details: { field: string } } };
      assert.equal(body.error.code, 'HOTLINE_ERR_BAD_REQUEST');
      assert.equal(body.error.details.field, 'types');
    }
    assert.equal(acd.listeners.size, 0);
  });
});

describe('SSE frame', () => {
  it('keeps multi-line values on one data line', () => {
    const text = frame({ type: 'agent.offered', screenPop: pop });
    assert.equal(text.split('\n').length, 4); // event, data, blank, ''
    assert.ok(text.startsWith('event: agent.offered\ndata: {'));
    assert.ok(text.endsWith('}\n\n'));
  });
});
