import type { AnyStateMachine } from 'xstate';
import type { FlowDocument } from './types.ts';

/** A flow version compiled once into an XState machine; every call on that version shares it. */
export interface CompiledFlow {
  id: string;
  /** Content hash of the flow file and the sub-flows it inlines. */
  version: string;
  file: string;
  numbers: string[];
  doc: FlowDocument;
  /** The XState machine config as plain data (named `{type, params}` references only). */
  config: Record<string, unknown>;
  machine: AnyStateMachine;
  /** Step id → kind, for every step including inlined sub-flow steps. */
  stepKinds: Record<string, string>;
  /** Steps whose input is sensitive (`secure` gathers, `sensitive: true`): redacted, and recordings pause there. */
  sensitiveSteps: string[];
}
