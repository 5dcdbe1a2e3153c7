/**
 * The flows and sounds Hotline ships (`flows/*.yaml`, `sounds/`), loaded the way the tests of
 * the sample line need them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { FsSoundLibrary } from '../../src/adapters/fs-sounds/fs-sound-library.ts';
import { compileFlow } from '../../src/core/flow/compile.ts';
import type { CompiledFlow } from '../../src/core/flow/compiled.ts';
import { parseFlowText, type LoadedFlow } from '../../src/core/flow/loader.ts';

/** The shipped `flows/` directory. */
export const FLOWS_DIR = new URL('../../flows/', import.meta.url);

/**
 * Parses every shipped flow file (named `flows/<file>`); throws, with the diagnostics, when one
 * does not parse.
 * @example
 * const loaded = loadShippedFlows();
 * loaded.find((l) => l.doc.id === 'support-line');
 */
export function loadShippedFlows(): LoadedFlow[] {
  return readdirSync(FLOWS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => {
      const result = parseFlowText(readFileSync(new URL(f, FLOWS_DIR), 'utf8'), `flows/${f}`);
      if (!result.ok) throw new Error(`flows/${f} does not parse: ${JSON.stringify(result.diagnostics)}`);
      return result.flow;
    });
}

/** Compiles each flow, resolving its subflows among `loaded`. */
export function compileAll(loaded: readonly LoadedFlow[]): CompiledFlow[] {
  return loaded.map((l) => compileFlow(l, (id) => loaded.find((x) => x.doc.id === id)));
}

/** The shipped sound library (`sounds/`). */
export function loadShippedSounds(): Promise<FsSoundLibrary> {
  return FsSoundLibrary.load(new URL('../../sounds/', import.meta.url).pathname);
}
