import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchRule, queueAllowed, ROUTE_RULES } from '../../src/http/roles.ts';
import { roleApp, type Who } from './role-fixture.ts';

type Fixture = Awaited<ReturnType<typeof roleApp>>;

/** One request and the status each principal gets. */
interface Row {
  method: string;
  path: string;
  body?: unknown;
  /** Runs (as the admin) before the request. */
  before?: (f: Fixture) => Promise<unknown>;
  expect: Record<Who, number>;
}

const listen = { endpoint: 'sim:sup1', mode: 'listen' };
const superviseSupport = (f: Fixture) => f.request('admin', 'POST', '/calls/c-support/supervise', listen);
const all = (status: number, patch: Partial<Record<Who, number>> = {}): Record<Who, number> =>
  ({ admin: status, ops: status, sue: status, max: status, alice: status, bob: status, ...patch });
const readers = (status: number, patch: Partial<Record<Who, number>> = {}) => all(status, { alice: 403, bob: 403, ...patch });

// sue: supervisor of billing; max: supervisor of every queue; alice: agent on c-billing (billing);
// bob: agent on c-support (support); ops: an admin from the tokens file.
const ROWS: Row[] = [
  { method: 'GET', path: '/calls', expect: readers(200) },
  { method: 'GET', path: '/calls?queue=billing', expect: readers(200) },
  { method: 'GET', path: '/calls/c-billing', expect: readers(200) },
  { method: 'POST', path: '/calls/c-billing/supervise', body: listen, expect: readers(201) },
  { method: 'POST', path: '/calls/c-support/supervise', body: listen, expect: readers(201, { sue: 403 }) },
  { method: 'GET', path: '/supervisions', expect: readers(200) },
  { method: 'GET', path: '/supervisions/sup-1', before: superviseSupport, expect: readers(200, { sue: 403 }) },
  { method: 'PATCH', path: '/supervisions/sup-1', body: { mode: 'barge' }, before: superviseSupport, expect: readers(200, { sue: 403 }) },
  { method: 'DELETE', path: '/supervisions/sup-1', before: superviseSupport, expect: readers(204, { sue: 403 }) },
  { method: 'GET', path: '/supervisions/sup-9', expect: readers(404) },
  { method: 'GET', path: '/recordings', expect: readers(200) },
  { method: 'GET', path: '/recordings?queue=support', expect: readers(200, { sue: 403 }) },
  { method: 'GET', path: '/recordings/rec-billing-1', expect: readers(200) },
  { method: 'GET', path: '/recordings/rec-support-1', expect: readers(200, { sue: 403 }) },
  { method: 'GET', path: '/recordings/rec-ivr-1', expect: readers(200, { sue: 403, max: 403 }) },
  { method: 'GET', path: '/recordings/rec-billing-1/audio', expect: readers(200) },
  { method: 'GET', path: '/recordings/rec-support-1/audio', expect: readers(200, { sue: 403 }) },
  { method: 'DELETE', path: '/recordings/rec-billing-1', expect: all(403, { admin: 204, ops: 204 }) },
  { method: 'POST', path: '/calls/c-billing/recording', body: { action: 'pause' }, expect: all(200, { bob: 403 }) },
  { method: 'POST', path: '/calls/c-billing/recording', body: { action: 'resume' }, expect: all(200, { bob: 403 }) },
  { method: 'POST', path: '/calls/c-billing/recording', body: { action: 'start' }, expect: readers(200) },
  { method: 'POST', path: '/calls/c-billing/recording', body: { action: 'stop' }, expect: readers(200) },
  { method: 'POST', path: '/calls/c-support/recording', body: { action: 'pause' }, expect: all(200, { sue: 403, alice: 403 }) },
  { method: 'POST', path: '/calls/c-ivr/recording', body: { action: 'pause' }, expect: all(403, { admin: 200, ops: 200 }) },
  { method: 'GET', path: '/audit', expect: all(403, { admin: 200, ops: 200 }) },
  { method: 'GET', path: '/queues', expect: readers(200) },
  { method: 'GET', path: '/queues/billing', expect: readers(200) },
  { method: 'GET', path: '/agents', expect: readers(200) },
  { method: 'GET', path: '/agents/alice', expect: readers(200, { alice: 200 }) },
  { method: 'GET', path: '/agents/bob', expect: readers(200, { bob: 200 }) },
  { method: 'POST', path: '/agents/alice/login', body: { endpoint: 'sim:alice', skills: {} }, expect: all(403, { admin: 200, ops: 200, alice: 200 }) },
  { method: 'POST', path: '/agents/alice/logout', expect: all(403, { admin: 200, ops: 200, alice: 200 }) },
  { method: 'POST', path: '/agents/alice/state', body: { state: 'paused' }, expect: all(200, { bob: 403 }) },
  { method: 'POST', path: '/agents/bob/state', body: { state: 'paused' }, expect: all(200, { sue: 403, alice: 403 }) },
  // An unknown agent: supervisors get the route's 404, agents are refused before.
  { method: 'POST', path: '/agents/nobody/state', body: { state: 'paused' }, expect: all(404, { alice: 403, bob: 403 }) },
  { method: 'GET', path: '/events', expect: readers(200) },
  { method: 'POST', path: '/sim/calls', body: { to: '100' }, expect: all(403, { admin: 201, ops: 201 }) },
  { method: 'POST', path: '/sim/calls/sim-1/dtmf', body: { digits: '1' }, expect: all(403, { admin: 404, ops: 404 }) },
  // The fake sim has no agent phones: 501 for those let through.
  { method: 'POST', path: '/sim/agents/alice/answer', expect: all(403, { admin: 501, ops: 501, alice: 501 }) },
  { method: 'POST', path: '/sim/agents/bob/hangup', expect: all(403, { admin: 501, ops: 501, bob: 501 }) },
  { method: 'GET', path: '/no-such-route', expect: all(403, { admin: 404, ops: 404 }) },
];

const WHO: Who[] = ['admin', 'ops', 'sue', 'max', 'alice', 'bob'];

describe('role × route', () => {
  for (const row of ROWS) {
    test(`${row.method} ${row.path}`, async () => {
      for (const who of WHO) {
        // A fresh app per principal: deletes and state changes of one must not decide the next.
        const f = await roleApp();
        try {
          if (row.before) assert.ok((await row.before(f) as Response).ok, 'setup request');
          const before = (await f.audit.list()).length;
          const res = await f.request(who, row.method, row.path, row.body);
          // The event stream never ends by itself: read no further than its headers.
          const streaming = res.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
          const text = streaming ? '' : await res.text();
          if (streaming) await res.body?.cancel();
          assert.equal(res.status, row.expect[who], `${who}: ${row.method} ${row.path} → ${res.status} ${text}`);
          if (res.status === 403) {
            const body = JSON.parse(text);
            assert.equal(body.error.code, 'HOTLINE_ERR_FORBIDDEN');
            assert.ok(body.error.message.length > 10, 'a reason');
            const rule = matchRule(row.method, row.path.split('?')[0]!).rule;
            if (rule?.audit) {
              const [last] = await f.audit.list({ limit: 1 });
              assert.equal((await f.audit.list()).length, before + 1, `${who}: one audit entry for the refusal`);
              assert.equal(last!.action, `${rule.audit}.denied`);
              assert.equal(last!.actor, who);
              assert.equal(last!.details?.reason, body.error.message);
            }
          }
        } finally {
          await f.server.close();
        }
      }
    });
  }

  test('no token is 401, an unknown one too', async () => {
    const f = await roleApp();
    try {
      const none = await f.request(undefined, 'GET', '/calls');
      assert.equal(none.status, 401);
      assert.equal((await none.json()).error.code, 'HOTLINE_ERR_UNAUTHORIZED');
      const res = await fetch(`${f.server.url}/api/calls`, { headers: { authorization: 'Bearer sue-token-0123456789abcdeX' } });
      assert.equal(res.status, 401);
      assert.equal((await res.json()).error.message, 'invalid bearer token');
    } finally {
      await f.server.close();
    }
  });
});

describe('the rule table', () => {
  test('every rule matches its own path and no other method', () => {
    for (const rule of ROUTE_RULES) {
      const path = rule.path.replace(':id', 'x-1');
      assert.equal(matchRule(rule.method, path).rule, rule, `${rule.method} ${rule.path}`);
      if (rule.path.includes(':id')) assert.equal(matchRule(rule.method, path).id, 'x-1');
    }
    assert.equal(matchRule('HEAD', '/queues').rule?.path, '/queues');
    assert.equal(matchRule('PUT', '/queues').rule, undefined);
    assert.equal(matchRule('GET', '/agents/alice/extra').rule, undefined);
    assert.equal(matchRule('GET', '/recordings/a%2Fb').id, 'a/b');
  });

  test('queueAllowed: admins everywhere, supervisors on their queues, nobody else', () => {
    const sue = { name: 'sue', role: 'supervisor' as const, queues: ['billing'] };
    const max = { name: 'max', role: 'supervisor' as const, queues: '*' as const };
    const admin = { name: 'admin', role: 'admin' as const, queues: '*' as const };
    const alice = { name: 'alice', role: 'agent' as const, queues: [], agentId: 'alice' };
    assert.deepEqual([queueAllowed(sue, 'billing'), queueAllowed(sue, 'support'), queueAllowed(sue, undefined)], [true, false, false]);
    assert.deepEqual([queueAllowed(max, 'support'), queueAllowed(max, undefined)], [true, false]);
    assert.deepEqual([queueAllowed(admin, undefined), queueAllowed(admin, 'x')], [true, true]);
    assert.deepEqual([queueAllowed(alice, 'billing'), queueAllowed({ ...alice, queues: '*' }, 'billing')], [false, false]);
  });
});
