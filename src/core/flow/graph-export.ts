import type { CompiledFlow } from './compiled.ts';

/**
 * The compiled statechart as JSON that Stately's visualizer accepts: the machine config itself
 * (plain data, actions and guards by name).
 */
export function toStatelyJson(flow: CompiledFlow): Record<string, unknown> {
  return structuredClone(flow.config);
}

interface Node {
  id?: string;
  initial?: string;
  type?: string;
  states?: Record<string, Node>;
  on?: Record<string, unknown>;
  always?: unknown;
}

/**
 * The compiled statechart as a Mermaid `stateDiagram-v2`: compound states nest, transitions are
 * labelled with their event (and `[guard]`).
 * @example
 * console.log(toMermaid(compiled)); // stateDiagram-v2 ...
 */
export function toMermaid(flow: CompiledFlow): string {
  const root = flow.config as Node;
  const ids = new Map<string, string>(); // '#id' → mermaid name
  const lines: string[] = ['stateDiagram-v2'];
  const name = (path: string) => path.replace(/[^A-Za-z0-9_]/g, '_');

  const index = (node: Node, path: string) => {
    if (node.id) ids.set(node.id, name(path));
    for (const [key, child] of Object.entries(node.states ?? {})) index(child, path ? `${path}.${key}` : key);
  };
  index(root, '');

  const resolve = (target: string, parentPath: string): string | undefined => {
    if (target.startsWith('#')) {
      const [id, ...rest] = target.slice(1).split('.');
      const base = ids.get(id!);
      return base && rest.length ? `${base}_${rest.join('_')}` : base;
    }
    return name(parentPath ? `${parentPath}.${target}` : target);
  };

  const edges: string[] = [];
  const walk = (node: Node, path: string, indent: string) => {
    const children = Object.entries(node.states ?? {});
    for (const [key, child] of children) {
      const childPath = path ? `${path}.${key}` : key;
      const childName = name(childPath);
      if (child.states && Object.keys(child.states).length) {
        lines.push(`${indent}state "${key}" as ${childName} {`);
        if (child.initial) lines.push(`${indent}  [*] --> ${name(`${childPath}.${child.initial}`)}`);
        walk(child, childPath, `${indent}  `);
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}state "${key}" as ${childName}`);
        if (child.type === 'final') lines.push(`${indent}${childName} --> [*]`);
      }
      const transitions: Array<[string, unknown]> = [...Object.entries(child.on ?? {}), ...(child.always ? [['always', child.always] as [string, unknown]] : [])];
      for (const [event, spec] of transitions) {
        for (const t of (Array.isArray(spec) ? spec : [spec]) as Array<string | { target?: string; guard?: unknown }>) {
          const target = typeof t === 'string' ? t : t.target;
          if (!target) continue;
          const to = resolve(target, path);
          if (!to) continue;
          const guard = typeof t === 'object' && t.guard ? ` [${typeof t.guard === 'string' ? t.guard : (t.guard as { type: string }).type}]` : '';
          edges.push(`${childName} --> ${to} : ${event}${guard}`);
        }
      }
    }
  };
  if (root.initial) lines.push(`[*] --> ${name(root.initial)}`);
  walk(root, '', '');
  return [...lines, ...edges].join('\n');
}
