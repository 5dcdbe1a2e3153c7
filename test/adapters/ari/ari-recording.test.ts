import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHotlineError } from '../../../src/core/errors.ts';
import { AriClient } from '../../../src/adapters/ari/ari-client.ts';
import { AriRecordingMedia } from '../../../src/adapters/ari/ari-recording-media.ts';
import { readCapture, type CaptureLine } from './replay-support.ts';
import { createAriRig, type AriRig } from './ari-supervision-rig.ts';

const code = (c: string) => (err: unknown) => isHotlineError(err) && err.code === c;

/** Samples of a 16-bit mono WAV after its 44-byte header. */
function samples(wav: Uint8Array): Int16Array {
  const data = Buffer.from(wav).subarray(44);
  return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
}

describe('ARI bridge recordings and stored recording media on the fake Asterisk', () => {
  let rig: AriRig;
  beforeEach(async () => {
    rig = await createAriRig();
  });
  afterEach(() => rig.close());

  it('records the bridge like bridge-snoop.jsonl, mutes a stretch to silence, and serves the file through recordingMedia', async () => {
    const { bridge } = await rig.connectedCall();
    const mark = rig.fake.requests.length;
    await bridge.startRecording!({ recordingId: 'rec-c1-conversation-1' });
    await bridge.startRecording!({ recordingId: 'rec-c1-conversation-1' }); // a retried effect
    rig.advance(1000);
    await bridge.muteRecording!('rec-c1-conversation-1');
    rig.advance(1000);
    await bridge.unmuteRecording!('rec-c1-conversation-1');
    rig.advance(500);
    await bridge.stopRecording!('rec-c1-conversation-1');
    await rig.drained();
    assert.deepEqual(rig.requestsSince(mark), [
      `POST /bridges/${bridge.id}/record?format=wav&ifExists=overwrite&name=rec-c1-conversation-1`,
      'POST /recordings/live/rec-c1-conversation-1/mute',
      'DELETE /recordings/live/rec-c1-conversation-1/mute',
      'POST /recordings/live/rec-c1-conversation-1/stop',
    ]);
    // The captured bridge recording sent the same parameters.
    const capturedRecord = readCapture('bridge-snoop.jsonl').find((l) => l.kind === 'http_request' && /\/bridges\/[^/]+\/record$/.test(l.path ?? ''))!;
    const ours = rig.fake.requests.find((r) => r.path === `/bridges/${bridge.id}/record`)!;
    assert.deepEqual(Object.keys(ours.query).sort(), Object.keys(capturedRecord.query ?? {}).sort());
    assert.equal(ours.status, 201);
    assert.deepEqual(rig.fake.liveState().recordings, []);

    const wav = await rig.driver.recordingMedia.fetch('rec-c1-conversation-1');
    assert.ok(wav);
    assert.equal(Buffer.from(wav.subarray(0, 4)).toString(), 'RIFF');
    const pcm = samples(wav);
    assert.equal(pcm.length, 2.5 * 8000, 'the file keeps its timeline: 2.5 s with the muted second inside');
    assert.ok(pcm.subarray(0, 8000).every((v) => v !== 0), 'audio before the mute');
    assert.ok(pcm.subarray(8000, 16000).every((v) => v === 0), 'silence while muted');
    assert.ok(pcm.subarray(16000).every((v) => v !== 0), 'audio after the unmute');

    await rig.driver.recordingMedia.delete('rec-c1-conversation-1');
    assert.equal(rig.fake.stored.has('rec-c1-conversation-1'), false);
    assert.equal(await rig.driver.recordingMedia.fetch('rec-c1-conversation-1'), undefined, '404 → undefined');
    await rig.driver.recordingMedia.delete('rec-c1-conversation-1'); // 404 → resolves
    assert.deepEqual(rig.requestsSince(rig.fake.requests.length - 3), [
      'DELETE /recordings/stored/rec-c1-conversation-1',
      'GET /recordings/stored/rec-c1-conversation-1/file',
      'DELETE /recordings/stored/rec-c1-conversation-1',
    ]);
  });

  it('destroying the bridge ends its recording; commands on a gone recording map to Hotline codes', async () => {
    const { bridge } = await rig.connectedCall();
    await bridge.startRecording!({ recordingId: 'rec-c2-conversation-1' });
    rig.advance(2000);
    await bridge.destroy();
    await rig.drained();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(rig.fake.liveState().recordings, []);
    const wav = await rig.driver.recordingMedia.fetch('rec-c2-conversation-1');
    assert.equal(samples(wav!).length, 16000);
    await assert.rejects(bridge.startRecording!({ recordingId: 'rec-c2-conversation-2' }), code('HOTLINE_ERR_ILLEGAL_STATE'));
    await assert.rejects(bridge.muteRecording!('rec-c2-conversation-1'), code('HOTLINE_ERR_NOT_FOUND'));
    await bridge.stopRecording!('rec-c2-conversation-1'); // stopping a finished one resolves
  });

  it('refuses ids that could leave the recordings directory before any request; 403 is not an auth failure', async () => {
    const before = rig.fake.requests.length;
    for (const id of ['../etc/passwd', 'a/b', '.hidden', '', 'x'.repeat(101), 'rec 1', 'rec%2F..']) {
      await assert.rejects(rig.driver.recordingMedia.fetch(id), code('HOTLINE_ERR_BAD_REQUEST'), id);
      await assert.rejects(rig.driver.recordingMedia.delete(id), code('HOTLINE_ERR_BAD_REQUEST'), id);
    }
    assert.equal(rig.fake.requests.length, before, 'nothing reached Asterisk');
    rig.fake.stored.set('locked', { name: 'locked', format: 'wav' });
    rig.fake.unreadable.add('locked');
    await assert.rejects(rig.driver.recordingMedia.fetch('locked'), code('HOTLINE_ERR_PBX'));
    const refused = rig.fake.requests.at(-1)!;
    assert.deepEqual([refused.status, refused.response], [403, { message: 'Recording could not be opened' }]);
  });
});

describe('AriRecordingMedia replayed against record.jsonl and errors.jsonl', () => {
  /** A `fetch` that checks each request against the captured one and answers with the captured response. */
  function replaying(pairs: Array<[CaptureLine, CaptureLine]>): { fetch: typeof fetch; left: () => number } {
    const queue = [...pairs];
    const stub = (async (url: string | URL | Request, init?: RequestInit) => {
      const [request, response] = queue.shift() ?? assert.fail(`unexpected request ${String(url)}`);
      assert.equal(`${init?.method} ${new URL(String(url)).pathname.replace(/^\/ari/, '')}`, `${request.method} ${request.path}`);
      const headers = (response as unknown as { headers: Record<string, string> }).headers;
      const b64 = (response as unknown as { body_base64?: string }).body_base64;
      const body = b64 ? Buffer.from(b64, 'base64') : response.body === null || response.body === undefined ? null : JSON.stringify(response.body);
      return new Response(body, { status: response.status ?? 200, headers: { 'content-type': headers['content-type'] ?? 'application/json' } });
    }) as typeof fetch;
    return { fetch: stub, left: () => queue.length };
  }

  function exchange(file: string, method: string, path: string): [CaptureLine, CaptureLine] {
    const lines = readCapture(file);
    const request = lines.find((l) => l.kind === 'http_request' && l.method === method && l.path === path)!;
    const response = lines.find((l) => l.kind === 'http_response' && l.id === request.id)!;
    return [request, response];
  }

  it('GET …/file gives the captured WAV bytes; DELETE 204; a missing recording (404) is undefined', async () => {
    const file = exchange('record.jsonl', 'GET', '/recordings/stored/test1/file');
    const del = exchange('record.jsonl', 'DELETE', '/recordings/stored/test1-copy');
    const missing = exchange('errors.jsonl', 'GET', '/recordings/stored/no-such-recording/file');
    const stub = replaying([file, del, missing]);
    const media = new AriRecordingMedia(new AriClient({ url: 'http://127.0.0.1:1', username: 'ivr', password: 'ivrsecret', fetch: stub.fetch }));
    const bytes = await media.fetch('test1');
    const expected = Buffer.from((file[1] as unknown as { body_base64: string }).body_base64, 'base64');
    assert.equal(bytes?.length, (file[1] as unknown as { body_bytes: number }).body_bytes);
    assert.deepEqual(Buffer.from(bytes!), expected);
    await media.delete('test1-copy');
    assert.equal(await media.fetch('no-such-recording'), undefined);
    assert.equal(stub.left(), 0);
  });

  it('the fake answers the captured stored-recording exchanges with the same status and content type', async () => {
    const rig = await createAriRig();
    try {
      rig.fake.stored.set('test1', { name: 'test1', format: 'wav' });
      const client = rig.driver.client;
      const [, fileResponse] = exchange('record.jsonl', 'GET', '/recordings/stored/test1/file');
      const res = await fetch(`${rig.fake.url}/ari/recordings/stored/test1/file`, { headers: { authorization: `Basic ${Buffer.from('hotline:ari-secret').toString('base64')}` } });
      const headers = (fileResponse as unknown as { headers: Record<string, string> }).headers;
      assert.equal(res.status, fileResponse.status);
      assert.equal(res.headers.get('content-type'), headers['content-type']);
      await client.deleteStoredRecording('test1');
      const [, gone] = exchange('record.jsonl', 'GET', '/recordings/stored/test1-copy');
      const after = await fetch(`${rig.fake.url}/ari/recordings/stored/test1/file`, { headers: { authorization: `Basic ${Buffer.from('hotline:ari-secret').toString('base64')}` } });
      assert.deepEqual([after.status, await after.json()], [gone.status, gone.body]);
    } finally {
      await rig.close();
    }
  });
});
