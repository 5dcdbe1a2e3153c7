import { randomBytes, randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { newChannelJson } from './fake-ari-model.ts';
import type { FakeAriServer } from './fake-ari-server.ts';

type Params = Record<string, string>;
type Result = { status: number; body: unknown };
const err = (status: number, message: string): Result => ({ status, body: { message } });

// Formats chan_rtp can carry (Asterisk's format names); the fake plays audio as `ulaw` only.
const MEDIA_FORMATS = ['ulaw', 'alaw', 'slin', 'slin16', 'g722', 'gsm', 'g729', 'opus'];

/**
 * `POST /channels/externalMedia` as `external-media.jsonl` shows it: 200 with a `Down`
 * `UnicastRTP/<external_host>-0x…` channel whose `channelvars` name the local RTP address, then
 * `Dial` (""), `ChannelStateChange` (Up), `Dial` (ANSWER), `ChannelVarset STASISSTATUS` and its
 * `StasisStart` after the reply. The fake binds a real UDP socket for it (see `speak`).
 */
export async function externalMedia(s: FakeAriServer, p: Params, variables: Record<string, string>): Promise<Result> {
  const app = p['app'] ?? '';
  const encapsulation = p['encapsulation'] ?? 'rtp';
  const transport = p['transport'] ?? 'udp';
  if (encapsulation !== 'rtp' || transport !== 'udp') return err(501, `Not implemented in the fake: externalMedia ${encapsulation}/${transport}`);
  // Wording of these two refusals was not captured.
  const host = /^([^:/\s]+):(\d{1,5})$/.exec(p['external_host'] ?? '');
  if (!host) return err(400, 'external_host must be host:port');
  const format = p['format'] ?? '';
  if (!MEDIA_FORMATS.includes(format)) return err(400, `Unknown format ${format}`);
  const id = p['channelId'] ?? s.nextId();
  if (s.channels.has(id)) return err(409, 'Channel with given unique ID already exists');
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const localPort = (socket.address() as AddressInfo).port;
  const external = `${host[1]}:${host[2]}`;
  const channel = s.addChannel({
    kind: 'external', tech: 'UnicastRTP', app, appArgs: [], inStasis: false,
    dialstring: `${external}/c(${format})`,
    json: newChannelJson({ id, name: `UnicastRTP/${external}-0x${randomBytes(6).toString('hex')}`, state: 'Down',
      dialplan: { context: 'default', exten: 's', priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' } }),
    rtp: { socket, host: host[1]!, port: Number(host[2]), format, sequence: randomInt(0x10000), timestamp: 0, ssrc: randomInt(2 ** 32) },
  });
  const channelvars = { UNICASTRTP_LOCAL_PORT: String(localPort), UNICASTRTP_LOCAL_ADDRESS: '127.0.0.1' };
  for (const [k, v] of Object.entries({ ...variables, ...channelvars })) channel.vars.set(k, v);
  const snapshot = { ...structuredClone(channel.json), channelvars };
  setImmediate(() => {
    if (!s.channels.has(id)) return;
    const dial = { forward: '', dialstring: channel.dialstring, peer: channel.json };
    s.emit('Dial', { dialstatus: '', ...dial }, app);
    channel.json.state = 'Up';
    s.emit('ChannelStateChange', { channel: channel.json }, app);
    s.emit('Dial', { dialstatus: 'ANSWER', ...dial }, app);
    channel.inStasis = true;
    channel.json.dialplan = { ...channel.json.dialplan, app_name: 'Stasis', app_data: app };
    s.emit('ChannelVarset', { variable: 'STASISSTATUS', value: '', channel: channel.json }, app, true);
    s.emit('StasisStart', { args: [], channel: channel.json }, app);
  });
  return { status: 200, body: snapshot };
}

/**
 * The far end's audio through chan_rtp (`FakeAriServer.speak`): every `externalMedia` channel
 * bridged with `channelId` sends `pcmu` to its `external_host` as in `external-media.jsonl`'s
 * note: 172-byte packets, a 12-byte RTP header (V=2, PT 0, sequence +1, timestamp +160, one
 * SSRC) and 160 payload bytes, the last one padded with µ-law silence (0xff).
 */
export async function sendRtp(s: FakeAriServer, channelId: string, pcmu: Buffer): Promise<number> {
  const bridgeId = s.channels.get(channelId)?.bridgeId;
  const bridge = bridgeId ? s.bridges.get(bridgeId) : undefined;
  let sent = 0;
  for (const memberId of bridge?.json.channels ?? []) {
    const rtp = s.channels.get(memberId)?.rtp;
    if (!rtp || memberId === channelId) continue;
    if (rtp.format !== 'ulaw') throw new Error(`fake ARI: speak() sends ulaw, channel ${memberId} takes ${rtp.format}`);
    for (let at = 0; at < pcmu.length; at += 160) {
      const packet = Buffer.alloc(172, 0xff);
      packet[0] = 0x80;
      packet[1] = 0;
      rtp.sequence = (rtp.sequence + 1) & 0xffff;
      rtp.timestamp = (rtp.timestamp + 160) >>> 0;
      packet.writeUInt16BE(rtp.sequence, 2);
      packet.writeUInt32BE(rtp.timestamp, 4);
      packet.writeUInt32BE(rtp.ssrc >>> 0, 8);
      pcmu.copy(packet, 12, at, Math.min(at + 160, pcmu.length));
      await new Promise<void>((resolve, reject) => rtp.socket.send(packet, rtp.port, rtp.host, (e) => (e ? reject(e) : resolve())));
      sent += 1;
    }
  }
  return sent;
}
