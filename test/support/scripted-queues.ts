import type { QueueHost } from '../../src/core/acd/queue-host.ts';
import type { FlowEvent } from '../../src/core/call/events.ts';

type Status = Awaited<ReturnType<QueueHost['status']>>;

/**
 * The ACD as a replayed walk needs it: joining and leaving succeed, and each status check
 * answers the walk's next `queue.status` (a check the walk never answers stays pending, as a
 * slow store would). What the ACD decides on its own (an agent answered, the wait timed out)
 * the replay delivers as events.
 */
export class ScriptedQueues implements QueueHost {
  readonly joined: string[] = [];
  readonly left: Array<{ callId: string; reason: string }> = [];
  readonly #answers: Status[];

  constructor(walk: readonly FlowEvent[]) {
    this.#answers = walk.flatMap((e) =>
      e.type === 'queue.status' ? [{ position: e.position, ewtMinutes: e.ewtMinutes, everyMs: e.everyMs, sayPosition: e.sayPosition, sayWait: e.sayWait }] : [],
    );
  }

  async join(request: { callId: string; queue: string }): Promise<void> {
    this.joined.push(request.queue);
  }

  async leave(callId: string, reason: string): Promise<void> {
    this.left.push({ callId, reason });
  }

  status(): Promise<Status> {
    const next = this.#answers.shift();
    return next ? Promise.resolve(next) : new Promise(() => {});
  }

  async connect(): Promise<void> {}
}
