import type { CallbackHost, CallbackHostRequest } from '../../src/core/callback/callback-host.ts';
import type { CallbackResultData, FlowEvent } from '../../src/core/call/events.ts';
import { hotlineError } from '../../src/core/errors.ts';

type Answer = Extract<FlowEvent, { type: 'callback.result' }>;

/**
 * Callbacks as a replayed walk needs them: each request a `callback` step makes is answered
 * with the walk's next `callback.result` (a refusal as the `HotlineError` the service would
 * throw); a request the walk never answers stays pending, as a slow store would.
 */
export class ScriptedCallbacks implements CallbackHost {
  readonly requests: CallbackHostRequest[] = [];
  readonly #answers: Answer[];

  constructor(walk: readonly FlowEvent[]) {
    this.#answers = walk.filter((e): e is Answer => e.type === 'callback.result');
  }

  request(request: CallbackHostRequest): Promise<CallbackResultData> {
    this.requests.push(request);
    const next = this.#answers.shift();
    if (!next) return new Promise(() => {});
    if (!next.ok) return Promise.reject(hotlineError((next.code ?? 'HOTLINE_ERR_INTERNAL') as 'HOTLINE_ERR_INTERNAL', 'scripted refusal'));
    return Promise.resolve(next.data ?? {});
  }
}
