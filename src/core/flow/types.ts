/**
 * The flow document as admins write it in `flows/*.yaml` (after YAML parsing and schema
 * validation). The normative description with examples is `docs/flows.md`; the JSON Schema is
 * `flow.schema.json` next to this file.
 */

/** Seconds as a number, or a string with a unit: `500ms`, `5s`, `2m`. */
export type Duration = number | string;

/** A value with `${...}` interpolations: `${vars.order.status}`, `${call.from}`, `${call.to}`, `${call.id}`. */
export type Template = string;

/** One prompt item. A bare string is a sound name from `sounds/`. */
export type PromptItem =
  | string
  | { sound: string }
  | { say: Template; voice?: string }
  | { digits: Template }
  | { number: Template }
  | { tone: 'ring' | 'busy' | 'beep' | 'congestion' | 'dial' };

/** A prompt: one item or a list played in order. */
export type Prompt = PromptItem | PromptItem[];

/** A condition over call variables, caller ID and dialled number. Exactly one subject and one operator, or a combinator. */
export type Condition =
  | ({ var: string } & Operator)
  | ({ value: Template } & Operator)
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

/** Comparison operators: exactly one per condition. */
export interface Operator {
  eq?: string | number | boolean;
  ne?: string | number | boolean;
  in?: Array<string | number>;
  matches?: string;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  exists?: boolean;
}

/** Fields every step has. */
export interface StepBase {
  type: StepKind;
  description?: string;
  /** Terminal event → target step id. Which events a kind needs is in {@link STEP_EVENTS}. */
  on?: Record<string, string>;
  /** Pauses recordings and redacts input while the step runs (`secure` is the same on `gather`). */
  sensitive?: boolean;
}

export interface PlayStep extends StepBase {
  type: 'play';
  prompt: Prompt;
  bargeIn?: boolean;
}

/** A menu option: target step id, or target plus spoken alternatives. */
export type MenuOption = string | { goto: string; say?: string[] };

export interface MenuStep extends StepBase {
  type: 'menu';
  prompt: Prompt;
  /** DTMF key (`0`-`9`, `*`, `#`) → option. */
  options: Record<string, MenuOption>;
  /** Wait for a key after the prompt. Default 5s. */
  timeout?: Duration;
  /** Extra attempts after a no-input or no-match. Default 2, at most 10. */
  retries?: number;
  noInputPrompt?: Prompt;
  noMatchPrompt?: Prompt;
  /** Key that replays the prompt without using an attempt. */
  repeatKey?: string;
  bargeIn?: boolean;
  /** Enables spoken answers (`say` on options). */
  speech?: { language?: string; minConfidence?: number };
  /** Variable that receives the chosen key. */
  into?: string;
}

export interface GatherStep extends StepBase {
  type: 'gather';
  prompt: Prompt;
  /** Variable that receives the digits. */
  into: string;
  minDigits?: number;
  maxDigits: number;
  /** Ends input early. Default `#`; `none` for no terminator. */
  terminator?: string;
  /** Wait for the first digit. Default 5s. */
  timeout?: Duration;
  /** Wait between digits. Default 3s. */
  interDigitTimeout?: Duration;
  /** Regular expression the whole input must match. */
  pattern?: string;
  retries?: number;
  noInputPrompt?: Prompt;
  invalidPrompt?: Prompt;
  bargeIn?: boolean;
  /** Sensitive input: redacted from logs, the call record and the API. */
  secure?: boolean;
}

export interface BranchStep extends StepBase {
  type: 'branch';
  cases: Array<{ when: Condition; goto: string }>;
}

/** `HH:MM-HH:MM` ranges by weekday key (`mon`, `tue`, …, or a span `mon-fri`). */
export type WeeklyHours = Record<string, string | string[]>;

export interface HoursStep extends StepBase {
  type: 'hours';
  timezone: string;
  weekly: WeeklyHours;
  /** `YYYY-MM-DD` dates, or with a name. */
  holidays?: Array<string | { date: string; name?: string }>;
}

export interface HttpStep extends StepBase {
  type: 'http';
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: Template;
  headers?: Record<string, Template>;
  /** JSON body; string leaves are templates. */
  body?: unknown;
  /** Default 3s. */
  timeout?: Duration;
  /** Variable that receives the parsed JSON response. */
  into?: string;
  /** Attach the result to the call for the agent's screen pop. Default true. */
  screenPop?: boolean;
}

export interface SetStep extends StepBase {
  type: 'set';
  /** Variable name → template or literal. */
  vars: Record<string, unknown>;
}

export interface TransferStep extends StepBase {
  type: 'transfer';
  /** Number or PBX endpoint; must be permitted by the transfer allowlist. */
  to: Template;
  prompt?: Prompt;
}

export interface QueueStep extends StepBase {
  type: 'queue';
  queue: string;
  /** Give up waiting after this long (`timeout` event), on top of the queue file's own `maxWait`. */
  maxWait?: Duration;
  /** Played once on joining, before the hold music. */
  prompt?: Prompt;
  /** Keys that leave the queue while waiting: digit → step (e.g. `"1": voicemail`). */
  keys?: Record<string, string>;
  /** This caller's priority (a number or a template such as `${vars.order.priority}`); overrides the queue's rules when set. */
  priority?: number | string;
  /** How often the position and wait time are checked for an announcement. Default 10s. */
  statusEvery?: Duration;
  /**
   * Offers a callback that keeps the caller's place: after `after` in line (default 30s), or
   * as soon as the estimated wait reaches `whenWaitOver`, the offer (`callback-keep-place`) joins
   * the announcements, and `key` (default `1`) goes to `goto` (a `callback` step) without taking
   * the caller out of the ACD.
   */
  callback?: { after?: Duration; whenWaitOver?: Duration; key?: string; goto: string };
}

/**
 * Callbacks (see docs/flows.md): `keep-place` turns the caller's place in `queue` into a
 * callback, `book` offers the next slots, `pending` lets a caller keep or cancel the callback
 * booked for their caller ID.
 */
export interface CallbackStep extends StepBase {
  type: 'callback';
  action: 'keep-place' | 'book' | 'pending';
  /** The queue the callback is for (`keep-place`: the queue the caller waits in). */
  queue?: string;
  /**
   * `keep-place` and `book`: read the caller ID back, 1 confirms, 2 keys another number (default
   * true). `false` on a callback's own call (`flows/callback.yaml`): the callback has its number.
   */
  confirmNumber?: boolean;
}

export interface VoicemailStep extends StepBase {
  type: 'voicemail';
  prompt?: Prompt;
  mailbox?: string;
  /** Default 120s. */
  maxLength?: Duration;
  beep?: boolean;
}

/**
 * Records the caller's leg from here on (`start`), or stops, pauses (records silence) or resumes
 * that recording. Sensitive steps pause it on their own; `pause` is for anything else.
 */
export interface RecordStep extends StepBase {
  type: 'record';
  action: 'start' | 'stop' | 'pause' | 'resume';
}

export interface SubflowStep extends StepBase {
  type: 'subflow';
  flow: string;
}

export interface ReturnStep extends StepBase {
  type: 'return';
  /** Event the calling `subflow` step receives. Default `done`. */
  outcome?: string;
}

export interface HangupStep extends StepBase {
  type: 'hangup';
  prompt?: Prompt;
  cause?: 'normal' | 'busy' | 'rejected' | 'unavailable';
}

/** A region of steps with shared handlers (`on.error` catches `error` from any step inside). */
export interface GroupStep extends StepBase {
  type: 'group';
  start: string;
  steps: Record<string, Step>;
}

export type Step =
  | PlayStep
  | MenuStep
  | GatherStep
  | BranchStep
  | HoursStep
  | HttpStep
  | SetStep
  | TransferStep
  | QueueStep
  | CallbackStep
  | VoicemailStep
  | RecordStep
  | SubflowStep
  | ReturnStep
  | HangupStep
  | GroupStep;

export type StepKind = Step['type'];

/**
 * Terminal events each kind must handle (in its own `on`, or an enclosing group's `on`).
 * `menu` options and `branch` cases carry their own targets and are not listed.
 */
export const STEP_EVENTS: Record<StepKind, { required: readonly string[]; optional: readonly string[] }> = {
  play: { required: ['done'], optional: [] },
  menu: { required: ['noInput', 'noMatch'], optional: [] },
  gather: { required: ['done', 'noInput', 'invalid'], optional: [] },
  branch: { required: ['otherwise'], optional: [] },
  hours: { required: ['open', 'closed'], optional: ['holiday'] },
  http: { required: ['done', 'error'], optional: [] },
  set: { required: ['done'], optional: [] },
  transfer: { required: ['error'], optional: [] },
  queue: { required: ['done', 'timeout'], optional: ['error', 'voicemail'] },
  // Which events a callback step needs depends on its action: see CALLBACK_ACTION_EVENTS.
  callback: { required: [], optional: ['done', 'error', 'full', 'none', 'kept', 'cancelled'] },
  voicemail: { required: ['done'], optional: [] },
  record: { required: ['done'], optional: ['error'] },
  subflow: { required: ['done'], optional: ['error'] },
  return: { required: [], optional: [] },
  hangup: { required: [], optional: [] },
  group: { required: [], optional: ['error', 'done'] },
};

/** Events of a `callback` step by action (the static checks use these instead of {@link STEP_EVENTS}). */
export const CALLBACK_ACTION_EVENTS: Record<CallbackStep['action'], { required: readonly string[]; optional: readonly string[] }> = {
  'keep-place': { required: ['done', 'error'], optional: [] },
  book: { required: ['done', 'error'], optional: ['full'] },
  pending: { required: ['none', 'kept', 'cancelled'], optional: [] },
};

/** A whole flow file. */
export interface FlowDocument {
  /** Unique flow id (`support-line`); referenced by `subflow` steps. */
  id: string;
  name?: string;
  description?: string;
  /** Numbers this flow answers (`+18005550100`, `100`). A subflow-only flow has none. */
  numbers?: string[];
  /** First step. */
  start: string;
  /** Initial call variables. */
  vars?: Record<string, unknown>;
  steps: Record<string, Step>;
}
