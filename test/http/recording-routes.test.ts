import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NOW, roleApp, WAV } from './role-fixture.ts';

type Fixture = Awaited<ReturnType<typeof roleApp>>;

describe('recording routes', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await roleApp();
  });
  afterEach(() => f.server.close());

  test('audio is served as audio/wav with its length, and audited before', async () => {
    const res = await f.request('sue', 'GET', '/recordings/rec-billing-1/audio');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'audio/wav');
    assert.equal(res.headers.get('content-length'), String(WAV.byteLength));
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="rec-billing-1.wav"');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual(bytes, WAV);
    assert.equal(Buffer.from(bytes.subarray(0, 4)).toString(), 'RIFF');
    const [entry] = await f.audit.list();
    assert.deepEqual({ ...entry, id: undefined }, {
      id: undefined, at: NOW, actor: 'sue', role: 'supervisor', action: 'recording.audio',
      recordingId: 'rec-billing-1', callId: 'c-billing', queue: 'billing', details: { bytes: WAV.byteLength },
    });
  });

  test('audio of a recording still running is the service\'s 409, and nothing is audited as read', async () => {
    const res = await f.request('admin', 'GET', '/recordings/rec-live-1/audio');
    assert.equal(res.status, 409);
    assert.equal((await res.json()).error.code, 'HOTLINE_ERR_ILLEGAL_STATE');
    assert.deepEqual(await f.audit.list(), []);
  });

  test('every access is audited: list, get, delete', async () => {
    const list = await f.request('sue', 'GET', '/recordings?limit=10');
    assert.equal(list.status, 200);
    assert.deepEqual((await list.json()).recordings.map((m: { id: string }) => m.id), ['rec-billing-1', 'rec-live-1']);
    assert.deepEqual(f.recordings.actions, []);
    const get = await f.request('max', 'GET', '/recordings/rec-support-1');
    assert.equal((await get.json()).callId, 'c-support');
    assert.equal((await f.request('admin', 'DELETE', '/recordings/rec-support-1')).status, 204);
    assert.equal(f.recordings.metas.has('rec-support-1'), false);
    const entries = (await f.audit.list()).reverse();
    assert.deepEqual(entries.map((e) => [e.actor, e.action, e.recordingId ?? null, e.queue ?? null]), [
      ['sue', 'recording.list', null, null],
      ['max', 'recording.get', 'rec-support-1', 'support'],
      ['admin', 'recording.delete', 'rec-support-1', 'support'],
    ]);
    assert.deepEqual(entries[0]!.details, { count: 2, limit: 10 });
  });

  test('a supervisor\'s list is limited to its queues, a filter outside them refused and audited', async () => {
    const all = await (await f.request('max', 'GET', '/recordings')).json();
    assert.deepEqual(all.recordings.map((m: { id: string }) => m.id).sort(), ['rec-billing-1', 'rec-live-1', 'rec-support-1']);
    const byCall = await (await f.request('sue', 'GET', '/recordings?call=c-support')).json();
    assert.deepEqual(byCall.recordings, []);
    const denied = await f.request('sue', 'GET', '/recordings?queue=support');
    assert.equal(denied.status, 403);
    const [entry] = await f.audit.list({ action: 'recording.denied' });
    assert.equal(entry!.queue, 'support');
    assert.equal(entry!.details?.route, 'recording.list');
  });

  test('denied reads are audited with the recording, call and queue', async () => {
    assert.equal((await f.request('sue', 'GET', '/recordings/rec-support-1/audio')).status, 403);
    assert.equal((await f.request('alice', 'GET', '/recordings/rec-billing-1')).status, 403);
    const [byAgent, bySupervisor] = await f.audit.list({ action: 'recording.denied' });
    assert.deepEqual(
      { actor: bySupervisor!.actor, recordingId: bySupervisor!.recordingId, callId: bySupervisor!.callId, queue: bySupervisor!.queue, route: bySupervisor!.details?.route },
      { actor: 'sue', recordingId: 'rec-support-1', callId: 'c-support', queue: 'support', route: 'recording.audio' },
    );
    assert.equal(byAgent!.actor, 'alice');
    assert.equal(byAgent!.role, 'agent');
    assert.equal(byAgent!.recordingId, 'rec-billing-1');
    assert.equal(byAgent!.details?.route, 'GET /api/recordings/:id');
  });

  test('unknown recordings are 404, malformed ids and parameters 400', async () => {
    const missing = await f.request('admin', 'GET', '/recordings/rec-none');
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.code, 'HOTLINE_ERR_NO_SUCH_RECORDING');
    assert.equal((await f.request('admin', 'DELETE', '/recordings/rec-none')).status, 404);
    for (const path of ['/recordings/a..b%20c', '/recordings?limit=0', '/recordings?limit=1001', '/recordings?limit=x', '/recordings?queue=Billing', '/recordings?call=a%20b']) {
      const res = await f.request('admin', 'GET', path);
      assert.equal(res.status, 400, path);
      assert.equal((await res.json()).error.code, 'HOTLINE_ERR_BAD_REQUEST');
    }
  });

  test('an agent pauses and resumes the recording of its own call (the PCI pause), audited', async () => {
    const paused = await f.request('alice', 'POST', '/calls/c-billing/recording', { action: 'pause' });
    assert.equal(paused.status, 200);
    const body = await paused.json();
    assert.equal(body.paused, true);
    assert.deepEqual(body.recordings.map((m: { id: string }) => m.id), ['rec-live-1']);
    const resumed = await (await f.request('alice', 'POST', '/calls/c-billing/recording', { action: 'resume' })).json();
    assert.equal(resumed.paused, false);
    assert.deepEqual(f.recordings.actions, ['pause c-billing api', 'resume c-billing api']);
    const entries = (await f.audit.list()).reverse();
    assert.deepEqual(entries.map((e) => [e.actor, e.role, e.action, e.callId, e.queue, e.recordingId]), [
      ['alice', 'agent', 'recording.pause', 'c-billing', 'billing', 'rec-live-1'],
      ['alice', 'agent', 'recording.resume', 'c-billing', 'billing', 'rec-live-1'],
    ]);
  });

  test('an agent may not start or stop recordings, nor pause another agent\'s call (audited)', async () => {
    for (const [path, body, reason] of [
      ['/calls/c-billing/recording', { action: 'stop' }, /only pause and resume/],
      ['/calls/c-billing/recording', { action: 'start' }, /only pause and resume/],
      ['/calls/c-support/recording', { action: 'pause' }, /agent alice is not connected to call c-support/],
      ['/calls/c-ivr/recording', { action: 'pause' }, /not connected/],
    ] as const) {
      const res = await f.request('alice', 'POST', path, body);
      assert.equal(res.status, 403, `${path} ${body.action}`);
      assert.match((await res.json()).error.message, reason);
    }
    assert.deepEqual(f.recordings.actions, []);
    const denied = await f.audit.list({ action: 'recording.denied' });
    assert.equal(denied.length, 4);
    assert.deepEqual(denied.map((e) => e.details?.route).reverse(), ['recording.stop', 'recording.start', 'recording.pause', 'recording.pause']);
  });

  test('start and stop by an admin or a supervisor of the queue', async () => {
    const started = await f.request('sue', 'POST', '/calls/c-billing/recording', { action: 'start', target: 'conversation' });
    assert.equal(started.status, 200);
    assert.equal((await f.request('admin', 'POST', '/calls/c-billing/recording', { action: 'stop' })).status, 200);
    assert.deepEqual(f.recordings.actions, ['start c-billing conversation', 'stop c-billing all']);
    const [stop, start] = await f.audit.list();
    assert.deepEqual([start!.action, start!.details?.target, stop!.action, stop!.details?.target], ['recording.start', 'conversation', 'recording.stop', 'all']);
  });

  test('start without on-demand recording support is 501', async () => {
    Object.defineProperty(f.recordings, 'startOnDemand', { value: undefined });
    const res = await f.request('admin', 'POST', '/calls/c-billing/recording', { action: 'start' });
    assert.equal(res.status, 501);
    assert.equal((await res.json()).error.code, 'HOTLINE_ERR_UNSUPPORTED');
  });

  test('bad bodies are 400 with a reason; unknown calls 404', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /`action` must be `start`, `stop`, `pause` or `resume`/],
      [{ action: 'mute' }, /`action` must be/],
      [{ action: 'pause', extra: 1 }, /unknown field "extra"/],
      [{ action: 'start', target: 'everything' }, /`target` must be `call` or `conversation`/],
      [{ action: 'pause', target: 'call' }, /`target` goes with `start` and `stop` only/],
      [[1], /must be a JSON object/],
      ['{"action":', /malformed JSON/],
    ];
    for (const [body, reason] of cases) {
      const res = await f.request('admin', 'POST', '/calls/c-billing/recording', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match((await res.json()).error.message, reason);
    }
    const missing = await f.request('admin', 'POST', '/calls/nope/recording', { action: 'pause' });
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.code, 'HOTLINE_ERR_NO_SUCH_CALL');
    assert.deepEqual(f.recordings.actions, []);
  });
});
