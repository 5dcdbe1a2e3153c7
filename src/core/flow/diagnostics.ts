/**
 * Diagnostics: what the loader, the schema validation and the static checks report about a
 * flow file, each at a `file:line:column` an admin can jump to.
 */

/** 1-based line and column in a flow file. */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * Maps a JSON pointer into a parsed document (`/steps/welcome/on/done`) to where it is written.
 * `position` is the value's position; `keyPosition` the position of the key that holds it (the
 * place to point at for an unknown or misplaced field), falling back to the value.
 */
export interface PositionLookup {
  position(pointer: string): SourcePosition | undefined;
  keyPosition(pointer: string): SourcePosition | undefined;
}

export type Severity = 'error' | 'warning';

/** One finding about one place in one flow file. */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  /** Stable kebab-case code, e.g. `unknown-step`, `unknown-field`, `retry-loop`. */
  code: string;
  /** What is wrong, as a sentence fragment naming the step and field. */
  message: string;
  /** What would be right (`did you mean \`billing\`?`). */
  hint?: string;
}

/**
 * Formats a diagnostic the way compilers do, so editors and terminals can link it.
 * @example
 * formatDiagnostic({ file: 'flows/support.yaml', line: 12, column: 11, severity: 'error',
 *   code: 'unknown-step', message: 'unknown step `biling`', hint: 'did you mean `billing`?' });
 * // 'flows/support.yaml:12:11: error: unknown step `biling` — did you mean `billing`?'
 */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}${d.hint ? ` — ${d.hint}` : ''}`;
}

/** True when any diagnostic is an error (warnings never block loading). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Counts errors and warnings. */
export function countDiagnostics(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const d of diagnostics) if (d.severity === 'error') errors++;
  return { errors, warnings: diagnostics.length - errors };
}

/** Sorts by file, then position, then code, so output is stable across runs. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code),
  );
}

/** Builds a diagnostic at `pointer` (its key when `atKey`), or at 1:1 when the pointer is not in the file. */
export function diagnosticAt(
  lookup: PositionLookup,
  file: string,
  pointer: string,
  fields: { severity?: Severity; code: string; message: string; hint?: string | undefined; atKey?: boolean },
): Diagnostic {
  const pos = (fields.atKey ? lookup.keyPosition(pointer) : lookup.position(pointer)) ?? { line: 1, column: 1 };
  const d: Diagnostic = {
    file,
    line: pos.line,
    column: pos.column,
    severity: fields.severity ?? 'error',
    code: fields.code,
    message: fields.message,
  };
  if (fields.hint) d.hint = fields.hint;
  return d;
}
