import { encodeWav } from '../../../src/adapters/sim/sim-wav.ts';
import type { Socket } from 'node:dgram';
import type { AriBridge, AriChannel, AriLiveRecording, AriPlayback } from '../../../src/adapters/ari/ari-types.ts';

/** `2026-11-22T10:42:20.118+0000`, the format of every ARI timestamp in the captures. */
export function ariTimestamp(at = Date.now()): string {
  return new Date(at).toISOString().replace('Z', '+0000');
}

/** Q.850 cause texts Asterisk puts in `ChannelDestroyed.cause_txt`. */
export const CAUSE_TEXT: Record<number, string> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  21: 'Call Rejected',
  27: 'Destination out of order',
  28: 'Invalid number format (addressing error)',
  31: 'Normal, unspecified',
  34: 'No route/channel available',
  38: 'Network out of order',
  41: 'Temporary failure',
  42: 'Switching equipment congestion',
};

/** `reason=` of `DELETE /channels/{id}` → Q.850 (`ast_str2cause`-like). */
export const HANGUP_REASONS: Record<string, number> = {
  normal: 16,
  busy: 17,
  congestion: 34,
  no_answer: 19,
  timeout: 19,
  rejected: 21,
  unallocated: 1,
  normal_unspecified: 31,
  number_incomplete: 28,
  codec_mismatch: 58,
  interworking: 127,
  failure: 38,
  answered_elsewhere: 26,
};

/** `Dial.dialstatus` for a failing cause. */
export function dialstatusFor(cause: number): string {
  if (cause === 17) return 'BUSY';
  if (cause === 18 || cause === 19) return 'NOANSWER';
  if (cause === 34 || cause === 38 || cause === 42) return 'CONGESTION';
  return 'CHANUNAVAIL';
}

/** A channel as the fake holds it. */
export interface FakeChannel {
  json: AriChannel;
  kind: 'inbound' | 'local-outer' | 'originated' | 'created' | 'snoop' | 'external';
  tech: string;
  inStasis: boolean;
  app: string;
  appArgs: string[];
  vars: Map<string, string>;
  bridgeId?: string;
  moh?: string;
  snoopOf?: string;
  /** A snoop's directions (`spy`: what it hears of `snoopOf`; `whisper`: where its audio goes). */
  snoop?: { spy: string; whisper: string };
  /** The other half of a Local pair. */
  peerId?: string;
  /** Playback ids queued on the channel; the head is playing. */
  queue: string[];
  dialstring?: string;
  sentDtmf: string[];
  /** The RTP side of an `externalMedia` channel. */
  rtp?: FakeRtpPeer;
}

/**
 * What chan_rtp holds for an `externalMedia` channel: its own UDP socket on 127.0.0.1
 * (`UNICASTRTP_LOCAL_PORT`) and where it sends the bridge's audio (`external_host`).
 */
export interface FakeRtpPeer {
  socket: Socket;
  host: string;
  port: number;
  format: string;
  sequence: number;
  timestamp: number;
  ssrc: number;
}

/** A playback as the fake holds it. */
export interface FakePlayback {
  json: AriPlayback;
  media: string[];
  index: number;
  target: { kind: 'channel' | 'bridge'; id: string };
  started: boolean;
}

/** A live recording as the fake holds it. */
export interface FakeRecording {
  json: AriLiveRecording;
  target: { kind: 'channel' | 'bridge'; id: string };
  terminateOn: string;
  startedAt: number;
  /** Recording silence (`POST /recordings/live/{name}/mute`). */
  muted?: boolean;
  /** Muted intervals on the fake's clock (`to` unset while muted). */
  mutes?: { from: number; to?: number }[];
}

/** A bridge as the fake holds it. */
export interface FakeBridge {
  json: AriBridge;
  moh?: string;
  queue: string[];
}

export function newChannelJson(init: {
  id: string;
  name: string;
  state: string;
  caller?: { name: string; number: string };
  connected?: { name: string; number: string };
  dialplan: AriChannel['dialplan'];
  protocolId?: string;
}): AriChannel {
  return {
    id: init.id,
    name: init.name,
    state: init.state,
    protocol_id: init.protocolId ?? '',
    caller: init.caller ?? { name: '', number: '' },
    connected: init.connected ?? { name: '', number: '' },
    accountcode: '',
    dialplan: init.dialplan,
    creationtime: ariTimestamp(),
    language: 'en',
  };
}

export function newBridgeJson(id: string, name: string, type: string): AriBridge {
  return {
    id,
    technology: type.includes('holding') ? 'holding_bridge' : 'simple_bridge',
    bridge_type: type.includes('holding') ? 'holding' : 'mixing',
    bridge_class: 'stasis',
    creator: 'Stasis',
    name,
    channels: [],
    creationtime: ariTimestamp(),
    video_mode: 'talker',
  };
}

/** `"Alice" <5551001>` → `{ name: 'Alice', number: '5551001' }`. */
export function parseCallerId(callerId: string | undefined): { name: string; number: string } {
  if (!callerId) return { name: '', number: '' };
  const m = /^\s*(?:"([^"]*)"|([^<]*?))\s*<([^>]*)>\s*$/.exec(callerId);
  if (m) return { name: (m[1] ?? m[2] ?? '').trim(), number: m[3] ?? '' };
  return { name: '', number: callerId.trim() };
}

/** A 44-byte header-only WAV, like the silent recording downloaded in `full-call.jsonl`. */
export function emptyWav(): Buffer {
  return Buffer.from(encodeWav(new Int16Array(0)));
}
