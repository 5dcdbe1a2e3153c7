/**
 * What the flow and queue schema validations share: one Ajv set-up, the pass that turns Ajv's
 * errors into de-duplicated, positioned diagnostics, and the JSON-pointer helpers their
 * `describe` functions use. Each file type keeps its own wording.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { diagnosticAt, sortDiagnostics } from './diagnostics.ts';
import type { Diagnostic, PositionLookup } from './diagnostics.ts';

/** A schema node as `describe` reads it: its properties and its human wording (`x-expected`). */
export type SchemaNode = Record<string, unknown> & { properties?: Record<string, unknown>; 'x-expected'?: string };

/** Builds a diagnostic for the error at hand (`ptr` defaults to the error's own path). */
export type DiagnosticAt = (code: string, message: string, hint?: string, ptr?: string, atKey?: boolean) => Diagnostic;

/**
 * A lazily compiled validator for `schema`: compiled on first use, then reused.
 * @example
 * const getValidator = lazyValidator(schema);
 * getValidator()(data); // boolean, errors on `.errors`
 */
export function lazyValidator(schema: object): () => ValidateFunction {
  let validator: ValidateFunction | undefined;
  return () => {
    if (!validator) {
      const ajv = new Ajv({ allErrors: true, verbose: true, discriminator: true, strict: true, strictRequired: false, allowUnionTypes: true });
      // Human wording for a value's expected shape, read back when describing errors.
      ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
      validator = ajv.compile(schema);
    }
    return validator;
  };
}

/**
 * Validates `data` and describes each error once, sorted by position. Only the errors `select`
 * keeps are described (it sees them all at once, so it can drop the noise one error makes
 * around another); `propertyNames` sub-errors (reported through their `propertyNames` error)
 * and errors `describe` returns nothing for are left out. `describe` gets every error.
 * @returns one diagnostic per problem, empty when the document is valid
 */
export function schemaDiagnostics(
  validate: ValidateFunction,
  data: unknown,
  describe: (e: ErrorObject, all: ErrorObject[]) => Diagnostic | undefined,
  select: (all: ErrorObject[]) => ErrorObject[] = (all) => all,
): Diagnostic[] {
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of select(errors)) {
    if (e.propertyName !== undefined) continue;
    const d = describe(e, errors);
    if (!d) continue;
    const key = `${d.line}:${d.column}:${d.code}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return sortDiagnostics(out);
}

/** The diagnostic builder for one error: at its path (or `ptr`), at the key when `atKey`. */
export function diagnosticFor(e: ErrorObject, lookup: PositionLookup, file: string): DiagnosticAt {
  return (code, message, hint, ptr = e.instancePath, atKey = false) => diagnosticAt(lookup, file, ptr, { code, message, hint, atKey });
}

/** The `x-expected` wording of the rule a `propertyNames` error's name broke, if it has one. */
export function expectedName(e: ErrorObject, all: readonly ErrorObject[]): string | undefined {
  const name = String(e.params.propertyName);
  const inner = all.find((x) => x.propertyName === name && x.instancePath === e.instancePath);
  return (inner?.parentSchema as SchemaNode | undefined)?.['x-expected'];
}

/** `/a/b~1c` → `['a', 'b/c']`. */
export function pointerSegments(ptr: string): string[] {
  return ptr === '' ? [] : ptr.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at a JSON pointer, undefined when the path does not exist. */
export function valueAt(instancePath: string, data: unknown): unknown {
  let node = data;
  for (const key of pointerSegments(instancePath)) {
    node = Array.isArray(node) ? node[Number(key)] : isRecord(node) ? node[key] : undefined;
  }
  return node;
}

/** Ajv's type names in words: `['string', 'null']` → `a string or empty`. */
export function typeWords(type: unknown): string {
  const words: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    integer: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
    null: 'empty',
  };
  const types = Array.isArray(type) ? type : String(type).split(',');
  return types.map((t) => words[String(t)] ?? String(t)).join(' or ');
}

/** Escapes one JSON-pointer segment. */
export function escapeSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** True for a plain mapping (not null, not a list). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
