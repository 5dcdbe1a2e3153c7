import { hotlineError } from '../../core/errors.ts';
import type { SimLeg } from './sim-leg.ts';

/** How a simulated agent's phone reacts to a call: picks up by itself, or waits for a click. */
export type SimAnswerMode = 'auto' | 'manual';

/** Agent ids as the ACD API accepts them. */
const AGENT_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const ENDPOINT_PREFIX = 'sim:';

/** Options of {@link SimAgents}. */
export interface SimAgentsOptions {
  /** Live legs of the driver, oldest first. */
  legs: () => readonly SimLeg[];
  /** How long an `auto` agent's phone rings before it picks up. Default 1000 ms (one simulated second). */
  autoAnswerMs?: number;
}

/**
 * The simulated agents' phones: every originate to `sim:<agentId>` rings a phone that answers by
 * itself after one simulated second, unless the agent was set to `manual` (then a person or a
 * test answers through `POST /api/sim/agents/{id}/answer`). Modes apply to calls placed after
 * the change; a phone already ringing keeps the behaviour it started with.
 *
 * @example
 * agents.setAnswerMode('alice', 'manual');
 * agents.autoAnswerFor('sim:alice'); // undefined: rings until answered or timed out
 * agents.autoAnswerFor('sim:bob');   // 1000
 */
export class SimAgents {
  readonly #legs: () => readonly SimLeg[];
  readonly #autoAnswerMs: number;
  readonly #modes = new Map<string, SimAnswerMode>();

  constructor(options: SimAgentsOptions) {
    this.#legs = options.legs;
    this.#autoAnswerMs = options.autoAnswerMs ?? 1000;
  }

  /**
   * Sets how the agent's phone answers calls placed from now on.
   * @throws `HOTLINE_ERR_BAD_REQUEST` for an agent id or mode that is not valid.
   */
  setAnswerMode(agentId: string, mode: SimAnswerMode): void {
    assertAgentId(agentId);
    if (mode !== 'auto' && mode !== 'manual') {
      throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'answer mode must be `auto` or `manual`', { field: 'answer' });
    }
    this.#modes.set(agentId, mode);
  }

  /** The agent's answer mode (`auto` unless set). */
  answerMode(agentId: string): SimAnswerMode {
    return this.#modes.get(agentId) ?? 'auto';
  }

  /** After how long a call to `to` answers by itself: undefined for `manual` agents and anything but `sim:<agentId>`. */
  autoAnswerFor(to: string): number | undefined {
    const agentId = agentIdOf(to);
    if (agentId === undefined) return undefined;
    return this.answerMode(agentId) === 'auto' ? this.#autoAnswerMs : undefined;
  }

  /** The agent's live (ringing or up) outbound leg, the newest when there are several. */
  agentLeg(agentId: string): SimLeg | undefined {
    const endpoint = `${ENDPOINT_PREFIX}${agentId}`;
    const legs = this.#legs();
    for (let i = legs.length - 1; i >= 0; i--) {
      const leg = legs[i]!;
      if (leg.direction === 'outbound' && leg.to === endpoint && leg.isLive()) return leg;
    }
    return undefined;
  }
}

/** `sim:alice` → `alice`; undefined for anything that is not a simulated agent endpoint. */
export function agentIdOf(endpoint: string): string | undefined {
  if (!endpoint.startsWith(ENDPOINT_PREFIX)) return undefined;
  const id = endpoint.slice(ENDPOINT_PREFIX.length);
  return AGENT_ID.test(id) ? id : undefined;
}

function assertAgentId(agentId: string): void {
  if (!AGENT_ID.test(agentId)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'agent ids are 1 to 64 letters, digits, `_`, `.` or `-`', { field: 'agentId' });
  }
}
