import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallServiceListener } from '../core/call/types.ts';

/** What metrics need of the call service. */
export interface MetricsSource {
  on(listener: CallServiceListener): () => void;
  activeCount(): number;
}

/** Hotline's Prometheus metrics on a registry of their own (never prom-client's global one). */
export interface HotlineMetrics {
  readonly registry: Registry;
  readonly callsTotal: Counter<'flow' | 'outcome'>;
  readonly stepTransitions: Counter<'flow' | 'step'>;
  readonly errorsTotal: Counter<'code'>;
  /** Subscribes to a call service; returns the unsubscribe function. */
  attach(source: MetricsSource): () => void;
  /** Counts an error by code (HTTP 5xx answers, driver failures). */
  recordError(code: string): void;
}

/**
 * Creates the metrics registry with default process metrics and the call metrics.
 *
 * @example
 * const metrics = createMetrics();
 * metrics.attach(calls);
 * res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
 */
export function createMetrics(): HotlineMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let source: MetricsSource | undefined;
  new Gauge({
    name: 'hotline_active_calls',
    help: 'Calls with a live session on this node',
    registers: [registry],
    collect() {
      this.set(source?.activeCount() ?? 0);
    },
  });
  const callsTotal = new Counter({
    name: 'hotline_calls_total',
    help: 'Calls ended, by flow and outcome',
    labelNames: ['flow', 'outcome'] as const,
    registers: [registry],
  });
  const stepTransitions = new Counter({
    name: 'hotline_step_transitions_total',
    help: 'Steps entered, by flow and step',
    labelNames: ['flow', 'step'] as const,
    registers: [registry],
  });
  const errorsTotal = new Counter({
    name: 'hotline_errors_total',
    help: 'Errors by code',
    labelNames: ['code'] as const,
    registers: [registry],
  });

  return {
    registry,
    callsTotal,
    stepTransitions,
    errorsTotal,
    recordError: (code) => errorsTotal.inc({ code }),
    attach(s) {
      source = s;
      // step.entered carries only the call id; remember each call's flow until it ends.
      const flowOf = new Map<string, string>();
      return s.on((event) => {
        switch (event.type) {
          case 'call.started':
            flowOf.set(event.callId, event.flowId);
            break;
          case 'step.entered':
            stepTransitions.inc({ flow: flowOf.get(event.callId) ?? 'unknown', step: event.step });
            break;
          case 'call.ended':
            callsTotal.inc({ flow: event.flowId, outcome: event.outcome });
            flowOf.delete(event.callId);
            break;
          case 'call.error':
            errorsTotal.inc({ code: event.code });
            break;
        }
      });
    },
  };
}
