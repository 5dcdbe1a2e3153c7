import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ScreenPopWebhook,
  signScreenPop,
  verifyScreenPopSignature,
} from '../../../src/adapters/webhook/screen-pop-webhook.ts';
import type { AcdEvent, ScreenPop } from '../../../src/core/acd/acd-api.ts';
import { isHotlineError } from '../../../src/core/errors.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { captureLines } from '../../http/fakes.ts';

const SECRET = 'webhook-secret-0123456789abcdef';
const NOW = Date.parse('2026-11-23T14:00:00Z');
const NOW_S = String(NOW / 1000);

const pop: ScreenPop = {
  offerId: 'offer-1',
  callId: 'sim-0a1b2c3d',
  queue: 'billing',
  agentId: 'alice',
  from: '+15551230000',
  to: '+18005550100',
  callerName: 'Ada',
  priority: 0,
  waitSeconds: 12,
  variables: { account: '4411' },
  lookups: { crm: { name: 'Ada Lovelace', tier: 'gold' } },
  path: ['welcome', 'main-menu', 'billing'],
  at: NOW,
};

interface Sent {
  url: string;
  headers: Headers;
  body: string;
  signal: AbortSignal | undefined;
}

/** A fetch that answers from a script: a status, or an error to throw. */
function scriptedFetch(script: Array<number | Error>) {
  const sent: Sent[] = [];
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(input), headers: new Headers(init?.headers), body: String(init?.body), signal: init?.signal ?? undefined });
    const next = script.shift() ?? 200;
    if (next instanceof Error) throw next;
    return new Response(next === 204 ? null : 'ok', { status: next });
  }) as typeof fetch;
  return { fn, sent };
}

function networkError(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

function webhook(script: Array<number | Error>, extra: { url?: string } = {}) {
  const f = scriptedFetch(script);
  const sleeps: number[] = [];
  const logs = captureLines();
  const hook = new ScreenPopWebhook({
    url: extra.url ?? 'https://crm.example.org/pop',
    secret: SECRET,
    fetch: f.fn,
    now: () => NOW + sleeps.reduce((a, b) => a + b, 0),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    logger: createLogger({ level: 'debug', destination: logs.stream }),
  });
  return { hook, sent: f.sent, sleeps, logs };
}

function fakeAcd() {
  const listeners = new Set<(e: AcdEvent) => void>();
  return {
    on(listener: (e: AcdEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event: AcdEvent) {
      for (const l of listeners) l(event);
    },
    count: () => listeners.size,
  };
}

describe('ScreenPopWebhook', () => {
  it('posts the screen pop as JSON, signed over "<timestamp>.<body>"', async () => {
    const { hook, sent } = webhook([204]);
    assert.deepEqual(await hook.send(pop), { delivered: true, attempts: 1, status: 204 });
    assert.equal(sent.length, 1);
    const req = sent[0]!;
    assert.equal(req.url, 'https://crm.example.org/pop');
    assert.equal(req.headers.get('content-type'), 'application/json');
    assert.deepEqual(JSON.parse(req.body), pop);
    assert.equal(req.headers.get('x-hotline-timestamp'), NOW_S);
    const signature = req.headers.get('x-hotline-signature')!;
    assert.match(signature, /^sha256=[0-9a-f]{64}$/);
    assert.ok(verifyScreenPopSignature(SECRET, NOW_S, req.body, signature));
    assert.ok(!verifyScreenPopSignature('another-secret-0123456789', NOW_S, req.body, signature));
    assert.ok(req.signal instanceof AbortSignal, 'each attempt is bounded by a timeout');
  });

  it('retries network errors and 5xx with exponential backoff, then succeeds', async () => {
    const { hook, sent, sleeps, logs } = webhook([networkError('ECONNREFUSED'), 503, 200]);
    assert.deepEqual(await hook.send(pop), { delivered: true, attempts: 3, status: 200 });
    assert.deepEqual(sleeps, [1000, 2000]);
    assert.equal(sent.length, 3);
    // Each attempt is signed afresh with its own timestamp.
    assert.deepEqual(sent.map((s) => s.headers.get('x-hotline-timestamp')), [NOW_S, String(NOW / 1000 + 1), String(NOW / 1000 + 3)]);
    for (const s of sent) assert.ok(verifyScreenPopSignature(SECRET, s.headers.get('x-hotline-timestamp')!, s.body, s.headers.get('x-hotline-signature')!));
    const warnings = logs.lines().filter((l) => l.level === 'warn');
    assert.deepEqual(warnings.map((l) => [l.attempt, l.reason, l.retryInMs]), [[1, 'fetch failed (ECONNREFUSED)', 1000], [2, 'HTTP 503', 2000]]);
  });

  it('gives up after 3 retries', async () => {
    const { hook, sent, sleeps, logs } = webhook([500, 502, 503, 504, 200]);
    assert.deepEqual(await hook.send(pop), { delivered: false, attempts: 4, status: 504 });
    assert.deepEqual(sleeps, [1000, 2000, 4000]);
    assert.equal(sent.length, 4);
    assert.equal(logs.lines().at(-1)?.msg, 'screen pop webhook failed; giving up');
  });

  it('does not retry a 4xx', async () => {
    const { hook, sent, sleeps } = webhook([401]);
    assert.deepEqual(await hook.send(pop), { delivered: false, attempts: 1, status: 401 });
    assert.deepEqual(sleeps, []);
    assert.equal(sent.length, 1);
  });

  it('retries a timed-out attempt', async () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const { hook, logs } = webhook([timeout as unknown as Error, 200]);
    assert.deepEqual(await hook.send(pop), { delivered: true, attempts: 2, status: 200 });
    assert.equal(logs.lines().find((l) => l.level === 'warn')?.reason, 'timed out');
  });

  it('logs failures without the secret, the body, or credentials in the URL', async () => {
    const { hook, logs } = webhook([500, 500, 500, 500], { url: 'https://user:pw-in-url@crm.example.org/pop?token=query-token' });
    await hook.send(pop);
    const text = JSON.stringify(logs.lines());
    for (const hidden of [SECRET, 'pw-in-url', 'query-token', 'Ada Lovelace', '4411']) assert.ok(!text.includes(hidden), hidden);
    assert.equal(logs.lines()[0]?.url, 'https://crm.example.org/pop');
    assert.equal(logs.lines()[0]?.offerId, 'offer-1');
  });

  it('never throws into the ACD, sends only agent.offered, and detaches', async () => {
    const broken = (() => {
      throw new Error('boom');
    }) as unknown as typeof fetch;
    const sleeps: number[] = [];
    const hook = new ScreenPopWebhook({ url: 'http://127.0.0.1:1/pop', secret: SECRET, fetch: broken, sleep: async (ms) => void sleeps.push(ms) });
    const acd = fakeAcd();
    const detach = hook.attach(acd);
    assert.doesNotThrow(() => acd.emit({ type: 'agent.offered', screenPop: pop }));
    acd.emit({ type: 'agent.state', agentId: 'alice', state: 'paused', at: NOW });
    await hook.idle();
    assert.deepEqual(sleeps, [1000, 2000, 4000]); // one delivery, retried; the state event sent nothing
    detach();
    assert.equal(acd.count(), 0);
  });

  it('refuses a URL that is not http(s) and a short secret', () => {
    const bad = (options: { url: string; secret: string }) => () => new ScreenPopWebhook(options);
    assert.throws(bad({ url: 'file:///etc/passwd', secret: SECRET }), (err) => isHotlineError(err, 'HOTLINE_ERR_CONFIG'));
    assert.throws(bad({ url: 'not a url', secret: SECRET }), (err) => isHotlineError(err, 'HOTLINE_ERR_CONFIG'));
    assert.throws(
      bad({ url: 'https://crm.example.org/pop', secret: 'short' }),
      (err) => isHotlineError(err, 'HOTLINE_ERR_CONFIG') && !err.message.includes('short'),
    );
  });

  it('delivers once to a real local HTTP server that verifies the signature', async () => {
    const received: Array<{ headers: IncomingHttpHeaders; body: Buffer; valid: boolean }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const valid = verifyScreenPopSignature(
          SECRET,
          String(req.headers['x-hotline-timestamp']),
          body,
          String(req.headers['x-hotline-signature']),
          { toleranceSeconds: 300 },
        );
        received.push({ headers: req.headers, body, valid });
        res.writeHead(valid ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const hook = new ScreenPopWebhook({ url: `http://127.0.0.1:${port}/screen-pop`, secret: SECRET });
      const acd = fakeAcd();
      hook.attach(acd);
      acd.emit({ type: 'agent.offered', screenPop: pop });
      await hook.idle();
      assert.equal(received.length, 1);
      assert.equal(received[0]!.valid, true);
      assert.equal(received[0]!.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(received[0]!.body.toString('utf8')), pop);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('verifyScreenPopSignature', () => {
  const body = JSON.stringify(pop);
  const header = signScreenPop(SECRET, NOW_S, body);

  it('accepts the signature of the exact body and timestamp', () => {
    assert.ok(verifyScreenPopSignature(SECRET, NOW_S, body, header));
    assert.ok(verifyScreenPopSignature(SECRET, NOW_S, Buffer.from(body), header.toUpperCase().replace('SHA256=', 'sha256=')));
  });

  it('refuses a changed body, timestamp or secret, and malformed headers', () => {
    assert.equal(verifyScreenPopSignature(SECRET, NOW_S, body.replace('alice', 'mallory'), header), false);
    assert.equal(verifyScreenPopSignature(SECRET, String(NOW / 1000 + 1), body, header), false);
    assert.equal(verifyScreenPopSignature('wrong-secret-0123456789', NOW_S, body, header), false);
    for (const bad of ['', 'sha256=', header.slice(0, -2), `sha1=${header.slice(7)}`, `${header}00`, 'sha256=zz' + header.slice(9)]) {
      assert.equal(verifyScreenPopSignature(SECRET, NOW_S, body, bad), false, bad);
    }
    assert.equal(verifyScreenPopSignature(SECRET, 'abc', body, header), false);
  });

  it('refuses a timestamp outside the tolerance when one is given', () => {
    assert.ok(verifyScreenPopSignature(SECRET, NOW_S, body, header, { toleranceSeconds: 300, now: NOW + 299_000 }));
    assert.equal(verifyScreenPopSignature(SECRET, NOW_S, body, header, { toleranceSeconds: 300, now: NOW + 301_000 }), false);
    assert.equal(verifyScreenPopSignature(SECRET, NOW_S, body, header, { toleranceSeconds: 300, now: NOW - 301_000 }), false);
  });
});
