/**
 * Flow file loader: YAML text → validated {@link FlowDocument} that remembers where every node
 * was written, so later checks can point at `file:line:column`.
 */
import { createHash } from 'node:crypto';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { Diagnostic, PositionLookup, SourcePosition } from './diagnostics.ts';
import { validateSchema } from './schema-validate.ts';
import type { FlowDocument } from './types.ts';

/** A flow file that parsed and passed the schema; static checks have not run yet. */
export interface LoadedFlow extends PositionLookup {
  doc: FlowDocument;
  file: string;
  text: string;
  /** First 12 hex digits of the SHA-256 of `text`. */
  version: string;
  /** Where the value at a JSON pointer (`/steps/welcome/on/done`) is written. */
  position(pointer: string): SourcePosition | undefined;
  /** Where the key holding the value at `pointer` is written (falls back to the value). */
  keyPosition(pointer: string): SourcePosition | undefined;
}

export type ParseResult = { ok: true; flow: LoadedFlow } | { ok: false; diagnostics: Diagnostic[] };

/** Content version of a flow text: first 12 hex digits of its SHA-256. */
export function flowVersion(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * Parses and schema-validates one flow file. YAML syntax errors and schema violations come
 * back as positioned diagnostics; the static checks over a set of flows are `validateFlows`.
 * @example
 * const r = parseFlowText(await readFile('flows/support.yaml', 'utf8'), 'flows/support.yaml');
 * if (r.ok) r.flow.position('/steps/welcome/on/done'); // { line: 12, column: 11 }
 */
export function parseFlowText(text: string, file: string): ParseResult {
  const lineCounter = new LineCounter();
  const yamlDoc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (yamlDoc.errors.length > 0) {
    return {
      ok: false,
      diagnostics: yamlDoc.errors.map((e) => ({
        file,
        ...at(e.pos[0]),
        severity: 'error' as const,
        code: 'yaml-syntax',
        ...describeYamlError(e.code, e.message, /^("[^"]*"|'[^']*'|[^:\s]+)/.exec(text.slice(e.pos[0]))?.[0] ?? ''),
      })),
    };
  }
  let data: unknown;
  try {
    data = yamlDoc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Unresolved or runaway aliases only surface when converting.
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, diagnostics: [{ file, line: 1, column: 1, severity: 'error', code: 'yaml-syntax', message }] };
  }
  const lookup = createPositionLookup(yamlDoc, at);
  if (data === null || data === undefined) {
    return {
      ok: false,
      diagnostics: [
        { file, line: 1, column: 1, severity: 'error', code: 'empty-file', message: 'the flow file is empty', hint: 'a flow needs at least `id`, `start` and `steps`' },
      ],
    };
  }
  const diagnostics = validateSchema(data, lookup, file);
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  return {
    ok: true,
    flow: { doc: data as FlowDocument, file, text, version: flowVersion(text), ...lookup },
  };
}

/** Escapes and joins JSON pointer segments: `pointer('steps', 'a/b')` → `/steps/a~1b`. */
export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Splits a JSON pointer into unescaped segments. */
export function pointerSegments(ptr: string): string[] {
  if (ptr === '') return [];
  return ptr
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Position lookup over a parsed YAML document (also used by the queue-file loader).
 * `at` turns a character offset into a line and column (a `LineCounter` does).
 */
export function createPositionLookup(doc: Document, at: (offset: number) => SourcePosition): PositionLookup {
  const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);
  /** Walks to the node at `ptr`; returns it with the key node of its last step (if a map entry). */
  const walk = (ptr: string): { node: YamlNode | undefined; key: YamlNode | undefined } | undefined => {
    let node: unknown = doc.contents;
    let key: YamlNode | undefined;
    for (const seg of pointerSegments(ptr)) {
      node = resolve(node);
      if (isMap(node)) {
        const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === seg);
        if (!pair) return undefined;
        key = isScalar(pair.key) ? pair.key : undefined;
        node = pair.value ?? undefined;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)];
        if (item === undefined || !/^\d+$/.test(seg)) return undefined;
        key = undefined;
        node = item;
      } else {
        return undefined;
      }
    }
    return { node: (node ?? undefined) as YamlNode | undefined, key };
  };
  const start = (n: YamlNode | undefined): SourcePosition | undefined => (n?.range ? at(n.range[0]) : undefined);
  return {
    position(ptr) {
      const found = walk(ptr);
      if (!found) return undefined;
      // `key:` with no value has no value node: point at the key instead.
      return start(found.node) ?? start(found.key);
    },
    keyPosition(ptr) {
      const found = walk(ptr);
      if (!found) return undefined;
      return start(found.key) ?? start(found.node);
    },
  };
}

function describeYamlError(code: string, message: string, source: string): { message: string; hint?: string } {
  switch (code) {
    case 'DUPLICATE_KEY':
      return { message: `duplicate key${source ? ` \`${source}\`` : ''}`, hint: 'each key may appear once in a mapping; step ids must be unique' };
    case 'MULTIPLE_DOCS':
      return { message: 'a flow file holds one YAML document', hint: 'remove the second `---`' };
    case 'TAB_AS_INDENT':
      return { message: 'tabs are not allowed as indentation', hint: 'indent with spaces' };
    default:
      return { message: `YAML syntax: ${message.charAt(0).toLowerCase()}${message.slice(1)}` };
  }
}
