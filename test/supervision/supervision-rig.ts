import { MemoryAuditLog } from '../../src/adapters/memory/memory-audit-log.ts';
import type { SimLeg } from '../../src/adapters/sim/sim-leg.ts';
import type { FlowDocument } from '../../src/core/flow/types.ts';
import { SupervisionService } from '../../src/core/supervision/supervision-service.ts';
import type { Principal } from '../../src/ports/audit.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { createAcdRig, queueFromYaml } from '../acd/acd-rig.ts';

/** Caller in `billing` (100) or `support` (200); after the agent (or a supervisor who took over) hangs up, a survey. */
export const FLOW: FlowDocument = {
  id: 'line',
  numbers: ['100', '200'],
  start: 'route',
  steps: {
    route: { type: 'branch', cases: [{ when: { value: '${call.to}', eq: '200' }, goto: 'support' }], on: { otherwise: 'billing' } },
    billing: { type: 'queue', queue: 'billing', prompt: 'please-hold', on: { done: 'survey', timeout: 'busy' } },
    support: { type: 'queue', queue: 'support', on: { done: 'survey', timeout: 'busy' } },
    survey: { type: 'menu', prompt: 'survey', options: { '1': 'bye', '5': 'bye' }, into: 'rating', on: { noInput: 'bye', noMatch: 'bye' } },
    busy: { type: 'hangup' },
    bye: { type: 'hangup', prompt: 'goodbye' },
  },
} as FlowDocument;

export const BILLING = queueFromYaml('queue: billing\nskills: { billing: 3 }\nringTimeout: 20s\nwrapUp: 15s\nmaxWait: 30m\n');
export const SUPPORT = queueFromYaml('queue: support\nskills: { support: 2 }\nmaxWait: 30m\n');

export const ADMIN: Principal = { name: 'admin', role: 'admin', queues: '*' };
export const SUE: Principal = { name: 'sue', role: 'supervisor', queues: ['billing'] };
export const OMAR: Principal = { name: 'omar', role: 'supervisor', queues: ['support'] };

/** The ACD rig with a SupervisionService and an audit log on the ACD clock. */
export async function createSupervisionRig() {
  const rig = await createAcdRig([FLOW], [BILLING, SUPPORT]);
  const audit = new MemoryAuditLog();
  const supervision = new SupervisionService({ driver: rig.driver, acd: rig.acd, clock: rig.clock, logger: silentLogger, audit });
  return {
    ...rig,
    get calls() {
      return rig.calls;
    },
    audit,
    supervision,
    /** A caller on 100 talking to agent alice (billing), bridged. */
    async connectedCall(): Promise<{ caller: SimLeg; agent: SimLeg }> {
      await rig.acd.login('alice', { endpoint: 'sim:alice', skills: { billing: 7 } });
      const caller = await rig.queuedCall('100');
      await rig.until(() => rig.agentLeg('alice') !== undefined);
      const agent = rig.agentLeg('alice')!;
      await agent.advance(1000); // the simulated phone picks up after a second
      await rig.until(() => rig.driver.bridges().some((b) => b.has(caller.id) && b.has(agent.id)));
      return { caller, agent };
    },
    /** The supervisor's phone (`sim:<name>`). */
    phone(name: string): SimLeg | undefined {
      return rig.driver.agentLeg(name);
    },
    /** Names the legs in audio paths: `caller>sup`. */
    paths(names: Record<string, string>, legId?: string): string[] {
      return rig.driver
        .audioPaths(legId)
        .map((p) => `${names[p.from] ?? p.from}>${names[p.to] ?? p.to}`)
        .sort();
    },
  };
}
