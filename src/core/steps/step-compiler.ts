import type { Duration, Prompt, Step } from '../flow/types.ts';

/** A state node config as plain data (what XState's `createMachine` takes). */
export type StateConfig = Record<string, unknown>;

/** What a step compiler gets to resolve names; one per flow scope (sub-flows get their own). */
export interface StepCompileContext {
  /** Global state id of a step of this scope (`order-status/enter-order` inside a sub-flow). */
  id(stepId: string): string;
  /** `#id` target of a step of this scope. */
  ref(stepId: string): string;
  /**
   * `#id` target for terminal event `event` of step `stepId`: the step's own `on`, else the
   * nearest enclosing group's, else the calling `subflow` step's. Throws when none handles it.
   */
  target(stepId: string, step: Step, event: string): string;
  /** Same as {@link StepCompileContext.target} but `undefined` when nothing handles it. */
  targetOrUndefined(stepId: string, step: Step, event: string): string | undefined;
  /** `#id` target a sub-flow's `return` with `outcome` continues at, in the calling flow. */
  returnTarget(outcome: string): string;
  /** Compiles children of a group in this scope (the group's `on` becomes their fallback). */
  compileGroup(groupId: string, group: Step & { type: 'group' }): StateConfig;
  /** Compiles a sub-flow inline under `stepId`; its `return` steps end in this scope's handlers. */
  compileSubflow(stepId: string, step: Step & { type: 'subflow' }): StateConfig;
  /** Milliseconds of a duration, or `fallbackMs` when unset. */
  ms(duration: Duration | undefined, fallbackMs: number): number;
}

/** Compiles one step kind into a state node. */
export type StepCompiler<S extends Step = Step> = (stepId: string, step: S, ctx: StepCompileContext) => StateConfig;

/** The `enterStep` action every step runs first: it records the path and tells observers. */
export function enterStep(ctx: StepCompileContext, stepId: string, kind: string): { type: 'enterStep'; params: { step: string; kind: string } } {
  return { type: 'enterStep', params: { step: ctx.id(stepId), kind } };
}

/**
 * A sub-state that plays `prompt` and then goes to `next`. With barge-in, `dtmf` transitions
 * are active while it plays. The playback is stopped when the state is left early.
 */
export function promptState(
  ctx: StepCompileContext,
  stepId: string,
  prompt: Prompt | undefined,
  next: string,
  options: { bargeIn: boolean; dtmf?: unknown[] },
): StateConfig {
  if (prompt === undefined || (Array.isArray(prompt) && prompt.length === 0)) return { always: { target: next } };
  return {
    entry: [{ type: 'play', params: { step: ctx.id(stepId), prompt, bargeIn: options.bargeIn } }],
    exit: ['stopPlay'],
    on: {
      'prompt.done': { guard: 'isCurrentPlayback', target: next, actions: ['clearPlaying'] },
      ...(options.bargeIn && options.dtmf ? { 'call.dtmf': options.dtmf } : {}),
    },
  };
}
