import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isHotlineError } from '../core/errors.ts';
import { compileFlow } from '../core/flow/compile.ts';
import { formatDiagnostic } from '../core/flow/diagnostics.ts';
import { toMermaid, toStatelyJson } from '../core/flow/graph-export.ts';
import { parseFlowText, type LoadedFlow } from '../core/flow/loader.ts';
import type { CliIo } from './io.ts';

/**
 * `hotline graph <flow-file-or-id> [--mermaid]`: compiles one flow (sub-flows looked up next to
 * it) and prints its statechart as Stately-importable JSON, or as a Mermaid `stateDiagram-v2`.
 * Returns the exit code.
 */
export async function runGraph(target: string, options: { mermaid: boolean; flowsDir: string }, io: CliIo): Promise<number> {
  const isFile = await stat(target).then((s) => s.isFile(), () => false);
  const dir = isFile ? dirname(target) : options.flowsDir;
  const files = new Set<string>(isFile ? [resolve(target)] : []);
  try {
    for (const name of await readdir(dir)) if (/\.ya?ml$/i.test(name)) files.add(resolve(dir, name));
  } catch {
    if (!isFile) {
      io.stderr(`hotline graph: no flow file ${target} and no flows directory ${dir}\n`);
      return 1;
    }
  }

  const flows = new Map<string, LoadedFlow>();
  let chosen: LoadedFlow | undefined;
  for (const file of files) {
    const result = parseFlowText(await readFile(file, 'utf8'), file);
    const isTarget = isFile && file === resolve(target);
    if (!result.ok) {
      if (isTarget) {
        for (const d of result.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
        return 1;
      }
      continue;
    }
    flows.set(result.flow.doc.id, result.flow);
    if (isTarget || (!isFile && result.flow.doc.id === target)) chosen = result.flow;
  }
  if (!chosen) {
    const known = [...flows.keys()].sort().join(', ') || 'none';
    io.stderr(`hotline graph: no flow file or flow id \`${target}\` in ${join(dir)} (flows: ${known})\n`);
    return 1;
  }
  try {
    const compiled = compileFlow(chosen, (id) => flows.get(id));
    io.stdout(options.mermaid ? `${toMermaid(compiled).trimEnd()}\n` : `${JSON.stringify(toStatelyJson(compiled), null, 2)}\n`);
    return 0;
  } catch (err) {
    io.stderr(`hotline graph: ${isHotlineError(err) ? err.message : String(err)}\n`);
    return 1;
  }
}
