import { hotlineError } from '../../core/errors.ts';
import type { Bridge } from '../../ports/telephony.ts';
import { assertUuid } from './esl-escape.ts';

/**
 * A two-party bridge on `uuid_bridge`. FreeSWITCH bridges channels pairwise; mixing more than two
 * needs a conference (mod_conference), which this driver does not drive yet, so a third leg is
 * `HOTLINE_ERR_UNSUPPORTED`. Both legs get `park_after_bridge=true` so a leg whose partner leaves
 * waits parked for Hotline instead of hanging up or running on in the dialplan.
 */
export class EslBridge implements Bridge {
  readonly id: string;
  readonly #api: (cmd: string) => Promise<string>;
  #legs: string[] = [];
  #bridged = false;
  #destroyed = false;

  constructor(id: string, api: (cmd: string) => Promise<string>) {
    this.id = id;
    this.#api = api;
  }

  get legs(): readonly string[] {
    return this.#legs;
  }

  async addLeg(legId: string): Promise<void> {
    assertUuid(legId);
    if (this.#destroyed) throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `bridge ${this.id} is destroyed`, { bridgeId: this.id });
    if (this.#legs.includes(legId)) return;
    if (this.#legs.length >= 2) {
      throw hotlineError('HOTLINE_ERR_UNSUPPORTED', 'the ESL driver bridges two legs (uuid_bridge); conferences are not supported yet', {
        bridgeId: this.id,
      });
    }
    await this.#api(`uuid_setvar ${legId} park_after_bridge true`);
    this.#legs.push(legId);
    if (this.#legs.length === 2) {
      const [a, b] = this.#legs as [string, string];
      try {
        await this.#api(`uuid_bridge ${a} ${b}`);
      } catch (err) {
        this.#legs.pop();
        throw err;
      }
      this.#bridged = true;
    }
  }

  async removeLeg(legId: string): Promise<void> {
    if (!this.#legs.includes(legId)) return;
    this.#legs = this.#legs.filter((l) => l !== legId);
    if (this.#bridged) {
      this.#bridged = false;
      // Parking one side breaks the bridge; the other parks thanks to park_after_bridge.
      await this.#api(`uuid_transfer ${legId} park inline`).catch(() => {});
    }
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    const [a] = this.#legs;
    if (this.#bridged && a) await this.#api(`uuid_transfer ${a} -both park inline`).catch(() => {});
    this.#bridged = false;
    this.#legs = [];
  }
}
