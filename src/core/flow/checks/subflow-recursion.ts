import type { Diagnostic } from '../diagnostics.ts';
import type { FlowDocument, Step } from '../types.ts';
import type { Check } from './context.ts';

/**
 * A flow must not reach itself through `subflow` steps: subflows are inlined when compiling,
 * so recursion would never finish (and at run time would never return).
 */
export const checkSubflowRecursion: Check = (ctx) => {
  const graph = new Map<string, Set<string>>();
  for (const f of ctx.flows) if (!graph.has(f.doc.id)) graph.set(f.doc.id, subflowTargets(f.doc));
  const self = ctx.flow.doc.id;
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    if (info.step.type !== 'subflow') continue;
    const path = findPath(graph, info.step.flow, self);
    if (!path) continue;
    out.push(
      ctx.report(`${info.pointer}/flow`, {
        code: 'subflow-recursion',
        message: `subflow recursion: ${[self, ...path].map((id) => `\`${id}\``).join(' → ')}`,
        hint: 'a flow may not run itself, directly or through other subflows; use a step inside the flow instead',
      }),
    );
  }
  return out;
};

function subflowTargets(doc: FlowDocument): Set<string> {
  const out = new Set<string>();
  const walk = (steps: Record<string, Step> | undefined) => {
    for (const step of Object.values(steps ?? {})) {
      if (step.type === 'subflow') out.add(step.flow);
      if (step.type === 'group') walk(step.steps);
    }
  };
  walk(doc.steps);
  return out;
}

/** Shortest path of flow ids from `from` to `to` (both included), breadth first. */
function findPath(graph: Map<string, Set<string>>, from: string, to: string): string[] | undefined {
  const prev = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  while (queue.length) {
    const id = queue.shift()!;
    if (id === to) {
      const path = [id];
      for (let p = prev.get(id); p != null; p = prev.get(p)) path.unshift(p);
      return path;
    }
    for (const next of graph.get(id) ?? []) {
      if (!prev.has(next)) {
        prev.set(next, id);
        queue.push(next);
      }
    }
  }
  return undefined;
}
