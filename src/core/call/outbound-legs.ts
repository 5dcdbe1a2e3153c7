import type { Clock } from '../../ports/clock.ts';
import type { CallLeg, OriginateRequest, TelephonyDriver } from '../../ports/telephony.ts';

/** What `GET /api/calls` shows of a call Hotline placed (an agent's phone, a callback to a customer, a supervisor). */
export interface OutboundLegView {
  id: string;
  direction: 'outbound';
  /** The number or endpoint dialled. */
  to: string;
  from?: string;
  purpose: OriginateRequest['purpose'];
  /** Calls placed are live until they hang up; they are not kept afterwards. */
  state: 'active';
  /** `ringing` until the far end answers. */
  leg: 'ringing' | 'up';
  driver: string;
  startedAt: string;
  answeredAt?: string;
}

interface Entry {
  leg: CallLeg;
  request: OriginateRequest;
  startedAt: number;
  answeredAt?: number;
}

/**
 * Keeps the legs Hotline originates while they are up, whoever placed them (ACD, callbacks,
 * supervision): {@link OutboundLegs.track} wraps a driver so every `originate` goes through it.
 */
export class OutboundLegs {
  readonly #legs = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #driver: string;

  constructor(deps: { clock: Clock; driver: string }) {
    this.#clock = deps.clock;
    this.#driver = deps.driver;
  }

  /**
   * The same driver, its `originate` recorded here. A proxy rather than a subclass: drivers keep
   * private fields, so every other member is the driver's own, bound to it.
   */
  track(driver: TelephonyDriver): TelephonyDriver {
    if (!driver.originate) return driver;
    const originate = driver.originate.bind(driver);
    const add = (leg: CallLeg, request: OriginateRequest) => this.#add(leg, request);
    return new Proxy(driver, {
      get(target, prop) {
        if (prop === 'originate') {
          return async (request: OriginateRequest) => {
            const leg = await originate(request);
            add(leg, request);
            return leg;
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** Live outbound legs, newest first. */
  list(): OutboundLegView[] {
    return [...this.#legs.values()].sort((a, b) => b.startedAt - a.startedAt).map((e) => this.#view(e));
  }

  /** One live outbound leg. */
  get(id: string): OutboundLegView | undefined {
    const entry = this.#legs.get(id);
    return entry ? this.#view(entry) : undefined;
  }

  #add(leg: CallLeg, request: OriginateRequest): void {
    const entry: Entry = { leg, request, startedAt: this.#clock.now() };
    this.#legs.set(leg.id, entry);
    const off = leg.subscribe((event) => {
      if (event.type === 'call.answered') entry.answeredAt ??= this.#clock.now();
      if (event.type === 'call.hangup') {
        this.#legs.delete(leg.id);
        off();
      }
    });
  }

  #view(e: Entry): OutboundLegView {
    return {
      id: e.leg.id,
      direction: 'outbound',
      to: e.request.to,
      ...(e.request.from ? { from: e.request.from } : {}),
      purpose: e.request.purpose,
      state: 'active',
      leg: e.answeredAt === undefined ? 'ringing' : 'up',
      driver: this.#driver,
      startedAt: new Date(e.startedAt).toISOString(),
      ...(e.answeredAt !== undefined ? { answeredAt: new Date(e.answeredAt).toISOString() } : {}),
    };
  }
}
