import { settle, ManualClock } from '../../src/adapters/clock/manual-clock.ts';
import { MemoryAcdStore } from '../../src/adapters/memory/memory-acd-store.ts';
import { MemorySoundLibrary } from '../../src/adapters/memory/memory-sound-library.ts';
import type { SimLeg } from '../../src/adapters/sim/sim-leg.ts';
import type { AcdEvent } from '../../src/core/acd/acd-api.ts';
import { AcdService, type QueueCatalog } from '../../src/core/acd/acd-service.ts';
import type { QueueDefinition } from '../../src/core/acd/queue-definition.ts';
import { parseQueueText } from '../../src/core/acd/queue-loader.ts';
import type { FlowDocument } from '../../src/core/flow/types.ts';
import type { AcdStore } from '../../src/ports/acd-store.ts';
import { createRig } from '../support/call-rig.ts';
import { silentLogger as silent } from '../../src/ports/logger.ts';

/** A queue definition from YAML, through the real loader. */
export function queueFromYaml(yaml: string): QueueDefinition {
  const name = /^queue:\s*(\S+)/m.exec(yaml)?.[1] ?? 'q';
  const r = parseQueueText(yaml, `flows/queues/${name}.yaml`);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  return r.queue.definition;
}

/** A catalog over fixed definitions. */
export function catalogOf(defs: QueueDefinition[]): QueueCatalog {
  const byName = new Map(defs.map((d) => [d.name, d]));
  return { get: (n) => byName.get(n), list: () => [...byName.values()] };
}

export const SOUNDS = new MemorySoundLibrary({
  'please-hold': 2000,
  'queue-position-intro': 1000,
  'queue-wait-intro': 1000,
  minutes: 500,
  survey: 2000,
  goodbye: 1000,
  vm: 1000,
});

/** A queue-step flow on the simulated PBX with an ACD over `store` (memory by default). */
export async function createAcdRig(docs: FlowDocument[], queues: QueueDefinition[], options: { store?: AcdStore; node?: string } = {}) {
  let acd: AcdService | undefined;
  const rig = await createRig(docs, { sounds: SOUNDS, onCalls: (calls) => acd && calls.useQueues(acd) });
  const clock = new ManualClock(Date.parse('2026-11-23T15:00:00Z'));
  const store = options.store ?? new MemoryAcdStore();
  const events: AcdEvent[] = [];
  // Through the rig, so a restarted call service is the one the ACD talks to.
  const calls = { session: (id: string) => rig.calls.session(id), getCall: (id: string) => rig.calls.getCall(id) };
  acd = new AcdService({ store, queues: catalogOf(queues), driver: rig.driver, calls, clock, logger: silent, node: options.node ?? 'node-a' });
  acd.on((e) => events.push(e));
  rig.calls.useQueues(acd);
  await acd.start();
  const acdRig = {
    ...rig,
    get calls() {
      return rig.calls;
    },
    acd,
    acdStore: store,
    clock,
    acdEvents: events,
    /** Settles until `cond` (bounded). */
    async until(cond: () => boolean | Promise<boolean>, turns = 300): Promise<void> {
      for (let i = 0; i < turns; i++) {
        if (await cond()) return;
        await settle();
      }
      throw new Error('condition not reached');
    },
    /** The live leg ringing at (or talking to) agent `agentId`. */
    agentLeg(agentId: string): SimLeg | undefined {
      return rig.driver.agentLeg(agentId);
    },
    /** Places a call and lets the flow run until it waits in the queue. */
    async queuedCall(to: string, from?: string): Promise<SimLeg> {
      const leg = await rig.call(to, from ? { from } : {});
      await rig.toInput(leg);
      return leg;
    },
    stop(): void {
      acd.stop();
      rig.driver.dispose();
    },
  };
  return acdRig;
}
