import { Counter, Gauge, type Registry } from 'prom-client';
import type { AcdApi, AgentView, QueueView } from '../core/acd/acd-api.ts';
import type { AgentState } from '../ports/acd-store.ts';
import type { Logger } from '../ports/logger.ts';
import { silentLogger } from '../ports/logger.ts';

const AGENT_STATES: readonly AgentState[] = ['available', 'offered', 'on-call', 'wrap-up', 'paused', 'logged-out'];

/** A scrape's view of the ACD, read once and shared by every ACD metric. */
interface AcdReading {
  queues: QueueView[];
  agents: AgentView[];
}

/**
 * Registers the ACD's Prometheus metrics on `registry` (`createMetrics().registry`). Values are
 * read from the ACD at scrape time, so every node reports the shared store's figures:
 *
 * - per queue (`queue` label): `hotline_queue_waiting`, `hotline_queue_longest_wait_seconds`,
 *   `hotline_queue_answered_total`, `hotline_queue_abandoned_total`, `hotline_queue_service_level`,
 *   `hotline_queue_asa_seconds`, `hotline_queue_aht_seconds`, `hotline_queue_occupancy`;
 * - `hotline_agents{state}`: agents per state.
 *
 * A figure that is not measured yet (`null`: no answered call, no staffed time) has no series
 * rather than a misleading 0. One scrape reads the ACD once, however many metrics it has. When
 * the ACD cannot be read the ACD series are left out and the rest of the scrape still answers.
 *
 * @example
 * const metrics = createMetrics();
 * attachAcdMetrics(metrics.registry, acd, { logger });
 */
export function attachAcdMetrics(registry: Registry, acd: Pick<AcdApi, 'listQueues' | 'listAgents'>, options: { logger?: Logger } = {}): void {
  const logger = options.logger ?? silentLogger;
  // Registry.metrics() starts every collect() in the same tick: share one read among them.
  let reading: Promise<AcdReading | undefined> | undefined;
  const read = (): Promise<AcdReading | undefined> => {
    reading ??= Promise.all([acd.listQueues(), acd.listAgents()])
      .then(([queues, agents]): AcdReading | undefined => ({ queues, agents }))
      .catch((err: unknown) => {
        logger.warn({ err }, 'ACD metrics: the ACD could not be read');
        return undefined;
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };

  const perQueue = (name: string, help: string, value: (q: QueueView) => number | null, type: 'gauge' | 'counter' = 'gauge'): void => {
    const Metric = type === 'counter' ? Counter : Gauge;
    new Metric({
      name,
      help,
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        const r = await read();
        // Queues removed since the last scrape must disappear, not keep their last value.
        this.reset();
        for (const q of r?.queues ?? []) {
          const v = value(q);
          if (v === null) continue;
          if (this instanceof Gauge) this.set({ queue: q.name }, v);
          else (this as Counter<'queue'>).inc({ queue: q.name }, v);
        }
      },
    });
  };

  perQueue('hotline_queue_waiting', 'Callers waiting in the queue (not yet connected to an agent)', (q) => q.waiting);
  perQueue('hotline_queue_longest_wait_seconds', 'Wait of the longest-waiting caller, in seconds', (q) => q.longestWaitSeconds);
  perQueue('hotline_queue_answered_total', 'Callers answered by an agent', (q) => q.answered, 'counter');
  perQueue('hotline_queue_abandoned_total', 'Callers who hung up while waiting', (q) => q.abandoned, 'counter');
  perQueue('hotline_queue_service_level', 'Share of callers answered within the service-level threshold (0..1)', (q) => q.serviceLevel.value);
  perQueue('hotline_queue_asa_seconds', 'Average speed of answer, in seconds', (q) => q.averageSpeedOfAnswerSeconds);
  perQueue('hotline_queue_aht_seconds', 'Average handle (talk) time, in seconds', (q) => q.averageHandleTimeSeconds);
  perQueue('hotline_queue_occupancy', "Occupancy of the queue's logged-in agents (0..1)", (q) => q.occupancy);

  new Gauge({
    name: 'hotline_agents',
    help: 'Agents by state',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const r = await read();
      this.reset();
      if (!r) return;
      const counts = new Map<AgentState, number>(AGENT_STATES.map((s) => [s, 0]));
      for (const agent of r.agents) counts.set(agent.state, (counts.get(agent.state) ?? 0) + 1);
      for (const [state, count] of counts) this.set({ state }, count);
    },
  });
}
