import { createHash } from 'node:crypto';
import { hotlineError } from '../errors.ts';
import { STEP_COMPILERS } from '../steps/index.ts';
import type { StateConfig, StepCompileContext } from '../steps/step-compiler.ts';
import { flowSetup, initialContext } from './catalog.ts';
import type { CompiledFlow } from './compiled.ts';
import { parseDuration } from './duration.ts';
import { isSensitiveStep, markInputSecure, withRecordingPause } from '../recording/sensitive-states.ts';
import type { FlowDocument, GroupStep, Step, SubflowStep } from './types.ts';

/** The part of a loaded flow file the compiler needs. */
export interface CompilableFlow {
  doc: FlowDocument;
  file: string;
  version: string;
}

/** Finds another flow by id (for `subflow` steps). */
export type FlowLookup = (flowId: string) => CompilableFlow | undefined;

interface Scope {
  flow: CompilableFlow;
  /** Prefix of global state ids: `''` for the top flow, `<subflow step id>/` inside a sub-flow. */
  prefix: string;
  steps: Map<string, Step>;
  /** Enclosing groups of each step, innermost first. */
  groups: Map<string, GroupStep[]>;
  /** The `subflow` step that called this flow, with its own scope. */
  caller?: { scope: Scope; stepId: string; step: SubflowStep };
  /** Flow ids on the way here, to refuse recursion. */
  trail: string[];
}

/**
 * Compiles a validated flow into an XState machine once per version. The config is plain data
 * naming actions and guards of {@link flowSetup}; sub-flows are inlined, so a version pins the
 * sub-flows it was built with.
 *
 * @example
 * const compiled = compileFlow(loaded, (id) => registry.loaded(id));
 * const actor = createActor(compiled.machine, { input: { callId, from, to, settings } });
 */
export function compileFlow(flow: CompilableFlow, lookup: FlowLookup): CompiledFlow {
  const versions: string[] = [flow.version];
  const stepKinds: Record<string, string> = {};
  const sensitiveSteps: string[] = [];
  const root = makeScope(flow, '', undefined, [flow.doc.id]);

  const compileSteps = (scope: Scope, steps: Record<string, Step>): Record<string, StateConfig> => {
    const ctx = contextFor(scope);
    const out: Record<string, StateConfig> = {};
    for (const [stepId, step] of Object.entries(steps)) {
      stepKinds[scope.prefix + stepId] = step.type;
      const own = isSensitiveStep(step);
      // A sensitive group covers its children: their input is redacted like its own.
      if (own || scope.groups.get(stepId)?.some((g) => g.sensitive)) sensitiveSteps.push(scope.prefix + stepId);
      const compiler = STEP_COMPILERS[step.type] as (id: string, s: Step, c: StepCompileContext) => StateConfig;
      if (!compiler) throw invalid(scope, `step \`${stepId}\` has unknown type \`${(step as { type: string }).type}\``);
      const compiled = compiler(stepId, step, ctx);
      out[stepId] = own ? withRecordingPause(markInputSecure(compiled), scope.prefix + stepId) : compiled;
    }
    return out;
  };

  const contextFor = (scope: Scope): StepCompileContext => {
    const ctx: StepCompileContext = {
      id: (stepId) => {
        if (!scope.steps.has(stepId)) throw invalid(scope, `unknown step \`${stepId}\``);
        return scope.prefix + stepId;
      },
      ref: (stepId) => `#${ctx.id(stepId)}`,
      targetOrUndefined: (stepId, step, event) => resolveTarget(scope, stepId, step, event),
      target: (stepId, step, event) => {
        const t = resolveTarget(scope, stepId, step, event);
        if (!t) throw invalid(scope, `step \`${stepId}\` does not handle \`${event}\` and no enclosing group does`);
        return t;
      },
      returnTarget: (outcome) => {
        // A sub-flow compiled on its own (graph, coverage) ends where it returns.
        if (!scope.caller) return '#__ended';
        const { scope: callerScope, stepId, step } = scope.caller;
        const t = resolveTarget(callerScope, stepId, step, outcome);
        if (!t) throw invalid(callerScope, `sub-flow step \`${stepId}\` does not handle the outcome \`${outcome}\` of \`${step.flow}\``);
        return t;
      },
      compileGroup: (groupId, group) => ({
        id: ctx.id(groupId),
        initial: group.start,
        states: compileSteps(scope, group.steps),
      }),
      compileSubflow: (stepId, step) => {
        if (scope.trail.includes(step.flow)) throw invalid(scope, `sub-flow recursion: ${[...scope.trail, step.flow].join(' → ')}`);
        const sub = lookup(step.flow);
        if (!sub) throw invalid(scope, `step \`${stepId}\` runs unknown flow \`${step.flow}\``);
        versions.push(sub.version);
        const inner = makeScope(sub, `${scope.prefix}${stepId}/`, { scope, stepId, step }, [...scope.trail, step.flow]);
        return {
          id: ctx.id(stepId),
          entry: [{ type: 'enterStep', params: { step: ctx.id(stepId), kind: 'subflow' } }],
          initial: sub.doc.start,
          states: compileSteps(inner, sub.doc.steps),
        };
      },
      ms: (d, fallback) => (d === undefined ? fallback : parseDuration(d)),
    };
    return ctx;
  };

  const config: Record<string, unknown> = {
    id: flow.doc.id,
    initial: 'flow',
    states: {
      flow: {
        initial: flow.doc.start,
        states: compileSteps(root, flow.doc.steps),
        on: { 'call.hangup': { target: '#__ended', actions: [{ type: 'setOutcome', params: { outcome: 'caller-hangup' } }] } },
      },
      ended: { id: '__ended', type: 'final', entry: ['end'] },
    },
  };
  const version = versions.length === 1 ? flow.version : createHash('sha256').update(versions.join(':')).digest('hex').slice(0, 12);
  const machine = flowSetup.createMachine({
    ...(config as object),
    context: ({ input }) => initialContext({ ...input, vars: { ...(flow.doc.vars ?? {}), ...(input.vars ?? {}) } }),
  } as Parameters<typeof flowSetup.createMachine>[0]);
  return {
    id: flow.doc.id,
    version,
    file: flow.file,
    numbers: flow.doc.numbers ?? [],
    doc: flow.doc,
    config,
    machine,
    stepKinds,
    sensitiveSteps,
  };
}

function makeScope(flow: CompilableFlow, prefix: string, caller: Scope['caller'], trail: string[]): Scope {
  const steps = new Map<string, Step>();
  const groups = new Map<string, GroupStep[]>();
  const walk = (map: Record<string, Step>, enclosing: GroupStep[]) => {
    for (const [id, step] of Object.entries(map)) {
      steps.set(id, step);
      groups.set(id, enclosing);
      if (step.type === 'group') walk(step.steps, [step, ...enclosing]);
    }
  };
  walk(flow.doc.steps, []);
  return { flow, prefix, steps, groups, ...(caller ? { caller } : {}), trail };
}

function resolveTarget(scope: Scope, stepId: string, step: Step, event: string): string | undefined {
  const own = step.on?.[event];
  if (own !== undefined) return ref(scope, own);
  for (const group of scope.groups.get(stepId) ?? []) {
    const t = group.on?.[event];
    if (t !== undefined) return ref(scope, t);
  }
  // Events a sub-flow leaves unhandled (e.g. `error`) are the calling step's to handle.
  if (scope.caller) return resolveTarget(scope.caller.scope, scope.caller.stepId, scope.caller.step, event);
  return undefined;
}

function ref(scope: Scope, stepId: string): string {
  if (!scope.steps.has(stepId)) throw invalid(scope, `unknown step \`${stepId}\``);
  return `#${scope.prefix}${stepId}`;
}

function invalid(scope: Scope, message: string) {
  return hotlineError('HOTLINE_ERR_FLOW_INVALID', `${scope.flow.file}: ${message}`, { file: scope.flow.file, flowId: scope.flow.doc.id });
}
