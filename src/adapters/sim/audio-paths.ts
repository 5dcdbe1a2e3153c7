import type { SuperviseMode } from '../../ports/telephony.ts';

/** Audio flows from leg `from` to leg `to` (`to` hears `from`). */
export interface AudioPath {
  from: string;
  to: string;
}

/** What who-hears-whom is derived from. */
export interface AudioTopology {
  bridges: ReadonlyArray<{ legIds: readonly string[] }>;
  supervisions: ReadonlyArray<{ callerLegId: string; agentLegId: string; supervisorLegId: string; mode: SuperviseMode }>;
  /** Legs that can carry audio (ringing or up). */
  isLive(legId: string): boolean;
}

/**
 * The who-hears-whom matrix. In a bridge everybody hears everybody. A supervision adds paths on
 * top: `listen` — the supervisor hears caller and agent, nobody hears the supervisor;
 * `whisper` — the agent also hears the supervisor; `barge` — all three hear each other;
 * `takeover` — the agent is released from the call and caller and supervisor talk.
 * Sorted, without duplicates, so results compare with `deepEqual`.
 *
 * @example
 * audioPaths({ bridges: [{ legIds: ['a', 'b'] }], supervisions: [], isLive: () => true })
 * // [{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }]
 */
export function audioPaths(topology: AudioTopology, legId?: string): AudioPath[] {
  const paths = new Set<string>();
  const add = (from: string, to: string) => {
    if (from !== to && topology.isLive(from) && topology.isLive(to)) paths.add(`${from}\u0000${to}`);
  };
  const both = (a: string, b: string) => {
    add(a, b);
    add(b, a);
  };

  for (const bridge of topology.bridges) {
    for (const a of bridge.legIds) for (const b of bridge.legIds) add(a, b);
  }
  for (const s of topology.supervisions) {
    if (s.mode === 'takeover') {
      paths.delete(`${s.callerLegId}\u0000${s.agentLegId}`);
      paths.delete(`${s.agentLegId}\u0000${s.callerLegId}`);
      both(s.callerLegId, s.supervisorLegId);
      continue;
    }
    add(s.callerLegId, s.supervisorLegId);
    add(s.agentLegId, s.supervisorLegId);
    if (s.mode === 'whisper' || s.mode === 'barge') add(s.supervisorLegId, s.agentLegId);
    if (s.mode === 'barge') add(s.supervisorLegId, s.callerLegId);
  }

  return [...paths]
    .map((key) => {
      const [from = '', to = ''] = key.split('\u0000');
      return { from, to };
    })
    .filter((p) => legId === undefined || p.from === legId || p.to === legId)
    .sort((x, y) => x.from.localeCompare(y.from) || x.to.localeCompare(y.to));
}
