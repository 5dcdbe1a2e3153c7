/**
 * What every static check sees: the flow under check, the whole set of flows, the options, and
 * the flow's steps flattened out of their groups with JSON pointers to where they are written.
 */
import type { SoundLibrary } from '../../../ports/sounds.ts';
import { diagnosticAt } from '../diagnostics.ts';
import type { Diagnostic, Severity } from '../diagnostics.ts';
import type { LoadedFlow } from '../loader.ts';
import { pointer } from '../loader.ts';
import { CALLBACK_ACTION_EVENTS, STEP_EVENTS } from '../types.ts';
import type { GroupStep, Prompt, Step, StepKind, SubflowStep } from '../types.ts';

/** Options of `validateFlows`; each check is skipped when its input is absent. */
export interface ValidateOptions {
  /** Known prompts; unknown sound names are errors when given. */
  sounds?: SoundLibrary;
  /** Regular expressions (tested with `RegExp.test`, so anchor them) a literal transfer target must match. */
  transferAllow?: string[];
  /** Names of the queues the queue files (`flows/queues/*.yaml`) define; `undefined` skips the check. */
  knownQueues?: readonly string[];
  /** Queues whose files record their calls (a recording policy); a `queue` step to one makes the flow record. */
  recordedQueues?: readonly string[];
  /** Whether the PBX can pause (mute) recordings. Default true; false makes sensitive steps in recorded flows errors. */
  recordingPause?: boolean;
}

/** One step with where it sits. */
export interface StepInfo {
  id: string;
  step: Step;
  /** JSON pointer of the step object (`/steps/billing/steps/pay`). */
  pointer: string;
  /** Enclosing groups, outermost first. */
  parents: StepInfo[];
}

/** A transition out of a step, with the pointer of the node that declares it. */
export interface StepEdge {
  /** Event name, `option <key>`, `case <n>` or `start`. */
  label: string;
  target: string;
  pointer: string;
  /** True for an `on` handler inherited from an enclosing group. */
  inherited: boolean;
}

export interface CheckContext {
  flow: LoadedFlow;
  /** Every flow being validated together (subflows, numbers), `flow` included. */
  flows: readonly LoadedFlow[];
  options: ValidateOptions;
  /** All steps in document order, groups included, duplicates included. */
  steps: StepInfo[];
  /** First step with each id. */
  byId: Map<string, StepInfo>;
  /** Builds a diagnostic in this flow's file at `ptr` (at its key with `atKey`). */
  report(
    ptr: string,
    fields: { code: string; message: string; hint?: string | undefined; severity?: Severity; atKey?: boolean },
  ): Diagnostic;
}

/** A static check: findings about `ctx.flow`. */
export type Check = (ctx: CheckContext) => Diagnostic[];

/** Events that mean "the caller or a service failed"; a cycle of only these never ends. */
export const FAILURE_EVENTS: readonly string[] = ['noInput', 'noMatch', 'invalid', 'error', 'timeout'];

/** Kinds that end the call or the subflow and need no way on. */
export const TERMINAL_KINDS: readonly string[] = ['hangup', 'return', 'transfer'];

/** Prompt-valued fields of any step. */
export const PROMPT_FIELDS = ['prompt', 'noInputPrompt', 'noMatchPrompt', 'invalidPrompt'] as const;

/** Builds the context for one flow of a set. */
export function createCheckContext(flow: LoadedFlow, flows: readonly LoadedFlow[], options: ValidateOptions): CheckContext {
  const steps: StepInfo[] = [];
  const walk = (record: Record<string, Step>, base: string, parents: StepInfo[]) => {
    for (const [id, step] of Object.entries(record)) {
      const info: StepInfo = { id, step, pointer: `${base}${pointer('steps', id)}`, parents };
      steps.push(info);
      if (step.type === 'group' && isRecord(step.steps)) walk(step.steps, info.pointer, [...parents, info]);
    }
  };
  walk(isRecord(flow.doc.steps) ? flow.doc.steps : {}, '', []);
  const byId = new Map<string, StepInfo>();
  for (const s of steps) if (!byId.has(s.id)) byId.set(s.id, s);
  return {
    flow,
    flows,
    options,
    steps,
    byId,
    report: (ptr, fields) => diagnosticAt(flow, flow.file, ptr, fields),
  };
}

/** Required and optional events of a kind (empty for kinds the schema does not know). */
export function eventsOf(kind: string): { required: readonly string[]; optional: readonly string[] } {
  return STEP_EVENTS[kind as StepKind] ?? { required: [], optional: [] };
}

/**
 * Events a step can emit in this set of flows: its kind's events, plus, for a `subflow` step,
 * the outcomes of the called flow's `return` steps (each must be handled, like `done`).
 */
export function stepEvents(ctx: CheckContext | undefined, info: StepInfo): { required: string[]; optional: string[] } {
  const base =
    info.step.type === 'callback' && CALLBACK_ACTION_EVENTS[info.step.action] ? CALLBACK_ACTION_EVENTS[info.step.action] : eventsOf(info.step.type);
  const required = [...base.required];
  const optional = [...base.optional];
  if (ctx && info.step.type === 'subflow') {
    const callee = ctx.flows.find((f) => f.doc.id === (info.step as SubflowStep).flow);
    for (const outcome of callee ? returnOutcomes(callee.doc.steps) : []) {
      if (!required.includes(outcome) && !optional.includes(outcome)) required.push(outcome);
    }
  }
  return { required, optional };
}

function returnOutcomes(steps: Record<string, Step> | undefined, out = new Set<string>()): Set<string> {
  for (const step of Object.values(steps ?? {})) {
    if (step.type === 'return') out.add(step.outcome ?? 'done');
    if (step.type === 'group') returnOutcomes(step.steps, out);
  }
  return out;
}

/** The handler of `event` for a step: its own `on`, else the nearest enclosing group's. */
export function handlerFor(info: StepInfo, event: string): StepEdge | undefined {
  const own = info.step.on?.[event];
  if (typeof own === 'string') return { label: event, target: own, pointer: `${info.pointer}/on/${pointerSeg(event)}`, inherited: false };
  for (let i = info.parents.length - 1; i >= 0; i--) {
    const g = info.parents[i]!;
    const t = g.step.on?.[event];
    if (typeof t === 'string') return { label: event, target: t, pointer: `${g.pointer}/on/${pointerSeg(event)}`, inherited: true };
  }
  return undefined;
}

/**
 * Every transition out of a step: its own `on` entries, handlers of its events inherited from
 * groups, menu options, branch cases and a group's start. With `ctx`, a subflow step's
 * inherited handlers include those of the called flow's outcomes.
 */
export function edgesOf(info: StepInfo, ctx?: CheckContext): StepEdge[] {
  const edges: StepEdge[] = [];
  const step = info.step;
  for (const [event, target] of Object.entries(step.on ?? {})) {
    if (typeof target === 'string') edges.push({ label: event, target, pointer: `${info.pointer}/on/${pointerSeg(event)}`, inherited: false });
  }
  const { required, optional } = stepEvents(ctx, info);
  for (const event of [...required, ...optional]) {
    const h = handlerFor(info, event);
    if (h?.inherited) edges.push(h);
  }
  if (step.type === 'menu') {
    for (const [key, option] of Object.entries(step.options ?? {})) {
      const target = typeof option === 'string' ? option : option?.goto;
      const ptr = `${info.pointer}/options/${pointerSeg(key)}${typeof option === 'string' ? '' : '/goto'}`;
      if (typeof target === 'string') edges.push({ label: `option ${key}`, target, pointer: ptr, inherited: false });
    }
  }
  if (step.type === 'queue') {
    for (const [key, target] of Object.entries(step.keys ?? {})) {
      if (typeof target === 'string') edges.push({ label: `key ${key}`, target, pointer: `${info.pointer}/keys/${pointerSeg(key)}`, inherited: false });
    }
    const offer = step.callback;
    if (offer && typeof offer.goto === 'string') edges.push({ label: `callback ${offer.key ?? '1'}`, target: offer.goto, pointer: `${info.pointer}/callback/goto`, inherited: false });
  }
  if (step.type === 'branch') {
    (step.cases ?? []).forEach((c, i) => {
      if (typeof c?.goto === 'string') edges.push({ label: `case ${i}`, target: c.goto, pointer: `${info.pointer}/cases/${i}/goto`, inherited: false });
    });
  }
  if (step.type === 'group' && typeof step.start === 'string') {
    edges.push({ label: 'start', target: step.start, pointer: `${info.pointer}/start`, inherited: false });
  }
  return edges;
}

/** The step a transition to `id` really enters: a group's start, followed down to a non-group step. */
export function entryStep(ctx: CheckContext, id: string): StepInfo | undefined {
  let info = ctx.byId.get(id);
  const seen = new Set<string>();
  while (info && info.step.type === 'group') {
    if (seen.has(info.id)) return undefined;
    seen.add(info.id);
    info = ctx.byId.get((info.step as GroupStep).start);
  }
  return info;
}

/** Prompt items of a step with their pointers (`/steps/welcome/prompt/1`). */
export function promptItemsOf(info: StepInfo): Array<{ item: unknown; pointer: string }> {
  const out: Array<{ item: unknown; pointer: string }> = [];
  const fields = info.step as unknown as Record<string, Prompt | undefined>;
  for (const field of PROMPT_FIELDS) {
    const prompt = fields[field];
    if (prompt === undefined) continue;
    if (Array.isArray(prompt)) prompt.forEach((item, i) => out.push({ item, pointer: `${info.pointer}/${field}/${i}` }));
    else out.push({ item: prompt, pointer: `${info.pointer}/${field}` });
  }
  return out;
}

/** Escapes one JSON pointer segment. */
export function pointerSeg(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `\`a\`, \`b\``: names quoted for messages. */
export function quoteList(names: Iterable<string>): string {
  return [...names].map((n) => `\`${n}\``).join(', ');
}

function isRecord(v: unknown): v is Record<string, never> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
