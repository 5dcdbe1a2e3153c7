import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { readCapture } from '../../adapters/ari/replay-support.ts';
import { until } from '../../contract/ari-harness.ts';
import { FakeAriServer } from './fake-ari-server.ts';

const AUTH = { authorization: `Basic ${Buffer.from('ivr:ivrsecret').toString('base64')}` };
// Events about the UnicastRTP channel in the capture, minus what the fake does not model
// (BRIDGEPEER variables, connected-line updates).
const captured = readCapture('external-media.jsonl')
  .filter((l) => l.kind === 'ws_event')
  .map((l) => l.event as Record<string, any>)
  .filter((e) => (e['channel']?.name ?? e['peer']?.name ?? '').startsWith('UnicastRTP/'))
  .filter((e) => e['type'] !== 'ChannelConnectedLine' && !(e['type'] === 'ChannelVarset' && e['variable'] === 'BRIDGEPEER'));

describe('fake ARI: POST /channels/externalMedia as captured', () => {
  let fake: FakeAriServer;
  let ws: WebSocket;
  let peer: Socket;
  let peerPort: number;
  const got: Record<string, any>[] = [];
  const datagrams: Buffer[] = [];

  before(async () => {
    fake = await new FakeAriServer({ username: 'ivr', password: 'ivrsecret' }).start();
    ws = new WebSocket(`${fake.url.replace('http', 'ws')}/ari/events?app=ivr&api_key=ivr:ivrsecret&subscribeAll=false`);
    ws.on('message', (d) => got.push(JSON.parse(d.toString())));
    await new Promise((resolve) => ws.once('open', resolve));
    peer = createSocket('udp4');
    peer.on('message', (d) => datagrams.push(d));
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    peerPort = (peer.address() as AddressInfo).port;
  });
  after(async () => {
    ws.terminate();
    peer.close();
    await fake.close();
  });

  const post = (path: string) => fetch(`${fake.url}/ari${path}`, { method: 'POST', headers: AUTH });

  it('answers like Asterisk, enters Stasis after the reply, carries bridged audio as 172-byte PCMU RTP and ends like chan_rtp', async () => {
    const caller = fake.placeInbound({ to: '104', from: '5551005', callerName: 'Erin', tech: 'Local', app: 'ivr' });
    await post(`/channels/${caller}/answer`);
    const bridge = await (await post('/bridges?type=mixing&name=em-104')).json();
    await post(`/bridges/${bridge.id}/addChannel?channel=${caller}`);

    // Every parameter is checked against the listing: `direction` allows only `both`.
    assert.equal((await post(`/channels/externalMedia?app=ivr&external_host=127.0.0.1:${peerPort}&format=ulaw&direction=in`)).status, 400);
    assert.equal((await post(`/channels/externalMedia?app=ivr&external_host=127.0.0.1:${peerPort}`)).status, 400);

    const before = got.length;
    const res = await post(`/channels/externalMedia?app=ivr&external_host=127.0.0.1:${peerPort}&format=ulaw&encapsulation=rtp&transport=udp&direction=both`);
    assert.equal(res.status, 200);
    const channel = await res.json();
    const capturedResponse = readCapture('external-media.jsonl').find((l) => l.kind === 'http_response' && l.path === '/channels/externalMedia')!;
    assert.deepEqual(Object.keys(channel), Object.keys(capturedResponse.body as object));
    assert.match(channel.name, new RegExp(`^UnicastRTP/127\\.0\\.0\\.1:${peerPort}-0x[0-9a-f]+$`));
    assert.equal(channel.state, 'Down');
    const localPort = Number(channel.channelvars.UNICASTRTP_LOCAL_PORT);
    assert.ok(localPort > 0);

    await until(() => got.slice(before).some((e) => e['type'] === 'StasisStart'), 'StasisStart of the media channel');
    const setup = got.slice(before);
    const capturedSetup = captured.slice(0, 5);
    assert.deepEqual(setup.map((e) => e['type']), capturedSetup.map((e) => e['type']));
    for (const [mine, theirs] of setup.map((e, i) => [e, capturedSetup[i]!] as const)) {
      assert.deepEqual(Object.keys(mine), Object.keys(theirs), `key order of ${theirs['type']}`);
    }
    assert.equal(setup[0]!['dialstring'], `127.0.0.1:${peerPort}/c(ulaw)`);
    assert.deepEqual([setup[0]!['dialstatus'], setup[2]!['dialstatus']], ['', 'ANSWER']);
    assert.equal((await post(`/bridges/${bridge.id}/addChannel?channel=${channel.id}`)).status, 204);

    const speech = Buffer.from(Array.from({ length: 400 }, (_, i) => i & 0xff));
    assert.equal(await fake.speak(caller, speech), 3);
    await until(() => datagrams.length >= 3, 'three RTP packets');
    assert.deepEqual(datagrams.map((d) => d.length), [172, 172, 172]);
    const [a, b, c] = datagrams as [Buffer, Buffer, Buffer];
    assert.deepEqual([a[0], a[1]], [0x80, 0x00]);
    assert.equal(b.readUInt16BE(2), (a.readUInt16BE(2) + 1) & 0xffff);
    assert.equal(b.readUInt32BE(4) - a.readUInt32BE(4), 160);
    assert.equal(c.readUInt32BE(8), a.readUInt32BE(8));
    assert.deepEqual(Buffer.concat([a.subarray(12), b.subarray(12), c.subarray(12, 92)]), speech);
    assert.ok(c.subarray(92).every((x) => x === 0xff), 'last packet padded with µ-law silence');

    const beforeHangup = got.length;
    const del = await fetch(`${fake.url}/ari/channels/${channel.id}`, { method: 'DELETE', headers: AUTH });
    assert.equal(del.status, 204);
    await until(() => got.slice(beforeHangup).some((e) => e['type'] === 'ChannelDestroyed'), 'ChannelDestroyed');
    assert.equal(captured[5]!['type'], 'ChannelEnteredBridge');
    assert.deepEqual(got.slice(beforeHangup).map((e) => e['type']), captured.slice(6).map((e) => e['type']));
    assert.equal(await fake.speak(caller, speech), 0, 'no media channel left in the bridge');
    assert.deepEqual(fake.liveState().channels.filter((c) => c.name.startsWith('UnicastRTP/')), []);
  });
});
