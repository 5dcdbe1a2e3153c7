import { encodeWav } from '../../../src/adapters/sim/sim-wav.ts';
import type { FakeAriServer } from './fake-ari-server.ts';
import type { FakeChannel, FakeRecording } from './fake-ari-model.ts';

/**
 * Who hears whom on the fake Asterisk, derived from bridges and snoops the way `app_chanspy`'s
 * audiohooks work for `POST /channels/{id}/snoop`:
 * - everyone in a mixing bridge hears everyone else in it;
 * - a snoop with `spy=in` hears its channel, `spy=out` what its channel hears, `both` both;
 * - audio a snoop receives (from its own bridge) is injected with `whisper=out` towards its
 *   channel only, with `whisper=in` as if its channel said it (so its channel's peers hear it).
 * Returns `speaker->listener` pairs over real channels (snoops are the wires, not parties).
 */
export function audioPaths(s: FakeAriServer): Set<string> {
  const channels = [...s.channels.values()];
  const parties = channels.filter((c) => c.kind !== 'snoop');
  const peers = (c: FakeChannel): FakeChannel[] =>
    c.bridgeId ? channels.filter((o) => o !== c && o.bridgeId === c.bridgeId) : [];
  const partyPeers = (c: FakeChannel) => peers(c).filter((o) => o.kind !== 'snoop');
  const paths = new Set<string>();
  const add = (from: FakeChannel, to: FakeChannel) => {
    if (from !== to) paths.add(`${from.json.id}->${to.json.id}`);
  };
  for (const a of parties) for (const b of partyPeers(a)) add(a, b);
  for (const snoop of channels.filter((c) => c.kind === 'snoop' && c.snoop)) {
    const target = snoop.snoopOf ? s.channels.get(snoop.snoopOf) : undefined;
    if (!target || !snoop.snoop) continue;
    const { spy, whisper } = snoop.snoop;
    // What the snoop hears reaches the parties bridged with it.
    const heard: FakeChannel[] = [];
    if (spy === 'in' || spy === 'both') heard.push(target);
    if (spy === 'out' || spy === 'both') heard.push(...partyPeers(target));
    const snoopListeners = partyPeers(snoop);
    for (const speaker of heard) for (const listener of snoopListeners) add(speaker, listener);
    // What the parties bridged with the snoop say is whispered.
    const whispered: FakeChannel[] = [];
    if (whisper === 'out' || whisper === 'both') whispered.push(target);
    if (whisper === 'in' || whisper === 'both') whispered.push(...partyPeers(target));
    for (const speaker of snoopListeners) for (const listener of whispered) add(speaker, listener);
  }
  return paths;
}

/** True when `listener` hears `speaker` right now. */
export function hears(s: FakeAriServer, listener: string, speaker: string): boolean {
  return audioPaths(s).has(`${speaker}->${listener}`);
}

// The far end's audio in a recording is a constant non-zero sample; muted time is digital silence.
const VOICE_SAMPLE = 0x1000;

/**
 * The WAV file Asterisk would store for a recording (8 kHz, 16-bit mono, `format=wav`): its
 * length is the recording's duration, and muted intervals are zero samples.
 */
export function recordingWav(rec: FakeRecording, endedAt: number): Buffer {
  const samples = Math.max(0, Math.round(((endedAt - rec.startedAt) * 8000) / 1000));
  const pcm = new Int16Array(samples);
  const muted = (rec.mutes ?? []).map((m) => ({ from: m.from, to: m.to ?? endedAt }));
  for (let i = 0; i < samples; i++) {
    const at = rec.startedAt + (i * 1000) / 8000;
    if (!muted.some((m) => at >= m.from && at < m.to)) pcm[i] = VOICE_SAMPLE;
  }
  return Buffer.from(encodeWav(pcm));
}
