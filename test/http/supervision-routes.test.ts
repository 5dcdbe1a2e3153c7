import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NOW, roleApp } from './role-fixture.ts';

type Fixture = Awaited<ReturnType<typeof roleApp>>;

describe('supervision routes', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await roleApp();
  });
  afterEach(() => f.server.close());

  test('supervise, switch mode, read and end', async () => {
    const started = await f.request('sue', 'POST', '/calls/c-billing/supervise', { endpoint: 'PJSIP/sup1', mode: 'whisper' });
    assert.equal(started.status, 201);
    const view = await started.json();
    assert.deepEqual({ id: view.id, callId: view.callId, supervisor: view.supervisor, mode: view.mode, endpoint: view.endpoint }, {
      id: 'sup-1', callId: 'c-billing', supervisor: 'sue', mode: 'whisper', endpoint: 'PJSIP/sup1',
    });
    const patched = await f.request('sue', 'PATCH', '/supervisions/sup-1', { mode: 'takeover' });
    assert.equal((await patched.json()).mode, 'takeover');
    assert.equal((await (await f.request('sue', 'GET', '/supervisions/sup-1')).json()).mode, 'takeover');
    assert.equal((await f.request('sue', 'DELETE', '/supervisions/sup-1')).status, 204);
    assert.equal(f.supervisions.get('sup-1').state, 'ended');
    // The service audits start, mode and end; the routes write nothing for allowed actions.
    assert.deepEqual(await f.audit.list(), []);
  });

  test('a supervisor lists only supervisions of its queues', async () => {
    await f.request('admin', 'POST', '/calls/c-support/supervise', { endpoint: 'sim:boss', mode: 'listen' });
    await f.request('sue', 'POST', '/calls/c-billing/supervise', { endpoint: 'sim:sue', mode: 'listen' });
    const ids = async (who: 'sue' | 'max' | 'admin') => (await (await f.request(who, 'GET', '/supervisions')).json()).supervisions.map((v: { id: string }) => v.id);
    assert.deepEqual(await ids('sue'), ['sup-2']);
    assert.deepEqual(await ids('max'), ['sup-1', 'sup-2']);
    assert.deepEqual(await ids('admin'), ['sup-1', 'sup-2']);
  });

  test('the service\'s refusal (another queue) is audited as supervision.denied with call and queue', async () => {
    const res = await f.request('sue', 'POST', '/calls/c-support/supervise', { endpoint: 'sim:sue', mode: 'barge' });
    assert.equal(res.status, 403);
    assert.equal((await res.json()).error.code, 'HOTLINE_ERR_FORBIDDEN');
    const [entry] = await f.audit.list();
    assert.deepEqual({ ...entry, id: undefined }, {
      id: undefined, at: NOW, actor: 'sue', role: 'supervisor', action: 'supervision.denied', callId: 'c-support', queue: 'support',
      details: { reason: 'queue support is not assigned to sue', route: 'supervision.start' },
    });
  });

  test('changing or ending another queue\'s supervision is refused and audited', async () => {
    await f.request('admin', 'POST', '/calls/c-support/supervise', { endpoint: 'sim:boss', mode: 'listen' });
    assert.equal((await f.request('sue', 'PATCH', '/supervisions/sup-1', { mode: 'barge' })).status, 403);
    assert.equal((await f.request('sue', 'DELETE', '/supervisions/sup-1')).status, 403);
    assert.equal(f.supervisions.get('sup-1').mode, 'listen');
    assert.equal(f.supervisions.get('sup-1').state, 'ringing');
    const denied = (await f.audit.list({ action: 'supervision.denied' })).reverse();
    assert.deepEqual(denied.map((e) => [e.supervisionId, e.callId, e.queue, e.details?.route]), [
      ['sup-1', 'c-support', 'support', 'supervision.mode'],
      ['sup-1', 'c-support', 'support', 'supervision.end'],
    ]);
  });

  test('agents may not supervise (audited with the call)', async () => {
    assert.equal((await f.request('alice', 'POST', '/calls/c-billing/supervise', { endpoint: 'sim:alice', mode: 'listen' })).status, 403);
    const [entry] = await f.audit.list();
    assert.deepEqual([entry!.action, entry!.actor, entry!.callId], ['supervision.denied', 'alice', 'c-billing']);
  });

  test('bad bodies are 400 with a reason; unknown supervisions 404', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ mode: 'listen' }, /`endpoint` is required/],
      [{ endpoint: 'sim:sup1' }, /`mode` must be `listen`, `whisper`, `barge`, `takeover`/],
      [{ endpoint: 'sim:sup1', mode: 'spy' }, /`mode` must be/],
      [{ endpoint: 'Local/1@default', mode: 'listen' }, /`endpoint` must be a supervisor phone/],
      [{ endpoint: 'PJSIP/sup1&PJSIP/evil', mode: 'listen' }, /`endpoint` must be a supervisor phone/],
      [{ endpoint: 'sim:sup1', mode: 'listen', agent: 'x' }, /unknown field "agent"/],
    ];
    for (const [body, reason] of cases) {
      const res = await f.request('admin', 'POST', '/calls/c-billing/supervise', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match((await res.json()).error.message, reason);
    }
    assert.equal(f.supervisions.list().length, 0);
    await f.request('admin', 'POST', '/calls/c-billing/supervise', { endpoint: 'sim:sup1', mode: 'listen' });
    const badMode = await f.request('admin', 'PATCH', '/supervisions/sup-1', { mode: 'loud' });
    assert.equal(badMode.status, 400);
    const missing = await f.request('admin', 'PATCH', '/supervisions/sup-7', { mode: 'barge' });
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.code, 'HOTLINE_ERR_NO_SUCH_SUPERVISION');
    assert.equal((await f.request('admin', 'DELETE', '/supervisions/sup-7')).status, 404);
  });
});

describe('live calls', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await roleApp();
  });
  afterEach(() => f.server.close());

  const ids = async (res: Response) => (await res.json()).calls.map((c: { id: string }) => c.id);

  test('a supervisor sees live views of its queues only, with or without ?queue', async () => {
    assert.deepEqual(await ids(await f.request('sue', 'GET', '/calls')), ['c-billing']);
    assert.deepEqual(await ids(await f.request('sue', 'GET', '/calls?queue=billing')), ['c-billing']);
    assert.deepEqual(await ids(await f.request('sue', 'GET', '/calls?queue=support')), []);
    assert.deepEqual(f.liveFilters, [{ queues: ['billing'] }, { queue: 'billing', queues: ['billing'] }, { queue: 'support', queues: ['billing'] }]);
    assert.deepEqual(await ids(await f.request('max', 'GET', '/calls')), ['c-billing', 'c-support', 'c-ivr']);
  });

  test('admins keep the old listing without ?queue, and get live views with it', async () => {
    const old = await (await f.request('admin', 'GET', '/calls')).json();
    assert.equal(old.calls[0].version, 'abc123');
    const live = await (await f.request('admin', 'GET', '/calls?queue=support')).json();
    assert.deepEqual(live.calls.map((c: { id: string; state: string; agent: { id: string } }) => [c.id, c.state, c.agent.id]), [['c-support', 'connected', 'bob']]);
    assert.deepEqual(await ids(await f.request('admin', 'GET', '/calls?view=live')), ['c-billing', 'c-support', 'c-ivr']);
  });

  test('bad parameters are 400', async () => {
    for (const path of ['/calls?queue=Bad%20Queue', '/calls?view=all', '/calls?queue=billing&state=ended']) {
      const res = await f.request('admin', 'GET', path);
      assert.equal(res.status, 400, path);
      assert.equal((await res.json()).error.code, 'HOTLINE_ERR_BAD_REQUEST');
    }
  });
});

describe('audit route', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await roleApp();
  });
  afterEach(() => f.server.close());

  test('filters by actor, action, call, since and limit, newest first', async () => {
    await f.request('sue', 'GET', '/recordings/rec-billing-1');
    await f.request('max', 'GET', '/recordings/rec-support-1');
    await f.request('sue', 'GET', '/recordings/rec-support-1');
    const get = async (query: string) => (await (await f.request('admin', 'GET', `/audit${query}`)).json()).entries.map((e: { actor: string; action: string }) => `${e.actor} ${e.action}`);
    assert.deepEqual(await get(''), ['sue recording.denied', 'max recording.get', 'sue recording.get']);
    assert.deepEqual(await get('?actor=sue'), ['sue recording.denied', 'sue recording.get']);
    assert.deepEqual(await get('?action=recording.get&limit=1'), ['max recording.get']);
    assert.deepEqual(await get('?call=c-billing'), ['sue recording.get']);
    assert.deepEqual(await get(`?since=${encodeURIComponent(new Date(NOW).toISOString())}`), ['sue recording.denied', 'max recording.get', 'sue recording.get']);
    assert.deepEqual(await get(`?since=${encodeURIComponent(new Date(NOW + 1000).toISOString())}`), []);
  });

  test('bad parameters are 400 with a reason', async () => {
    const cases: Array<[string, RegExp]> = [
      ['?since=yesterday', /`since` must be an ISO 8601 time/],
      ['?limit=5000', /`limit` must be a whole number from 1 to 1000/],
      ['?action=Recording%20Get', /`action` must be a dotted action/],
      ['?actor=a%20b', /`actor` must be a token name/],
    ];
    for (const [query, reason] of cases) {
      const res = await f.request('admin', 'GET', `/audit${query}`);
      assert.equal(res.status, 400, query);
      assert.match((await res.json()).error.message, reason);
    }
  });
});
