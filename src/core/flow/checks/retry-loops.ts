import type { Diagnostic } from '../diagnostics.ts';
import { entryStep, FAILURE_EVENTS, handlerFor, stepEvents } from './context.ts';
import type { Check, StepEdge, StepInfo } from './context.ts';

interface FailureEdge extends StepEdge {
  from: StepInfo;
  to: StepInfo;
}

/**
 * A cycle made only of failure events (`noInput`, `noMatch`, `invalid`, `error`, `timeout`)
 * never ends: a silent caller (or a dead API) would loop forever, holding a channel. Each such
 * cycle is reported once, at the handler of its first transition.
 */
export const checkRetryLoops: Check = (ctx) => {
  const edges = new Map<StepInfo, FailureEdge[]>();
  for (const info of ctx.steps) {
    if (info.step.type === 'group') continue;
    const { required, optional } = stepEvents(ctx, info);
    const list: FailureEdge[] = [];
    for (const event of [...required, ...optional]) {
      if (!FAILURE_EVENTS.includes(event)) continue;
      const h = handlerFor(info, event);
      const to = h && entryStep(ctx, h.target);
      if (h && to) list.push({ ...h, from: info, to });
    }
    edges.set(info, list);
  }
  const out: Diagnostic[] = [];
  for (const component of stronglyConnected([...edges.keys()], edges)) {
    const cycle = findCycle(component, edges);
    if (!cycle) continue;
    const route = cycle.map((e) => `\`${e.from.id}\` —${e.label}→ `).join('') + `\`${cycle[0]!.from.id}\``;
    out.push(
      ctx.report(cycle[0]!.pointer, {
        code: 'retry-loop',
        message: `unbounded retry loop: ${route}; only failures lead around it, so a silent caller would loop forever`,
        hint: 'after the last attempt, go somewhere that ends or leaves the loop (an operator, voicemail or hangup)',
      }),
    );
  }
  return out;
};

/** Tarjan's algorithm; components in discovery order, each listed in document order. */
function stronglyConnected(nodes: StepInfo[], edges: Map<StepInfo, FailureEdge[]>): StepInfo[][] {
  let counter = 0;
  const index = new Map<StepInfo, number>();
  const low = new Map<StepInfo, number>();
  const stack: StepInfo[] = [];
  const onStack = new Set<StepInfo>();
  const result: StepInfo[][] = [];
  const visit = (v: StepInfo) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const e of edges.get(v) ?? []) {
      if (!index.has(e.to)) {
        visit(e.to);
        low.set(v, Math.min(low.get(v)!, low.get(e.to)!));
      } else if (onStack.has(e.to)) {
        low.set(v, Math.min(low.get(v)!, index.get(e.to)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const comp: StepInfo[] = [];
      let w: StepInfo;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      result.push(comp.sort((a, b) => nodes.indexOf(a) - nodes.indexOf(b)));
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return result;
}

/** A cycle inside one component, starting at its first step, or undefined for an acyclic one. */
function findCycle(component: StepInfo[], edges: Map<StepInfo, FailureEdge[]>): FailureEdge[] | undefined {
  const start = component[0]!;
  const inside = new Set(component);
  const seen = new Set<StepInfo>();
  const path: FailureEdge[] = [];
  const dfs = (v: StepInfo): boolean => {
    for (const e of edges.get(v) ?? []) {
      if (!inside.has(e.to)) continue;
      path.push(e);
      if (e.to === start) return true;
      if (!seen.has(e.to)) {
        seen.add(e.to);
        if (dfs(e.to)) return true;
      }
      path.pop();
    }
    return false;
  };
  return dfs(start) ? path : undefined;
}
