import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { EslParser, isEventFrame, type EslFrame } from '../../../src/adapters/esl/esl-parser.ts';
import { FakeFreeSwitch } from './fake-freeswitch.ts';
import { loadFixture, type FixtureRecord } from './fixtures.ts';
import { waitFor } from './wait-for.ts';

/**
 * Fidelity of the fake: the client frames captured against the real FreeSWITCH are replayed
 * against the fake, and every non-event frame it answers (replies, api responses, notices) must
 * match the captured one: content type, Reply-Text, body (UUIDs the fake picks itself and
 * uptime-like bodies normalised), notice headers.
 */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const UNSTABLE_BODIES = [/^api status/, /^api show channels as json/, /^api uuid_getvar \S+ account_digits/];

interface Step {
  send?: FixtureRecord;
  replies: FixtureRecord[];
  notices: FixtureRecord[];
}

const compared = (r: FixtureRecord) => r.dir === 'recv' && !r.content_type!.startsWith('text/event-') && r.content_type !== 'log/data';

function stepsOf(records: FixtureRecord[], conn: string): Step[] {
  const steps: Step[] = [{ replies: [], notices: [] }];
  for (const r of records.filter((x) => x.conn === conn)) {
    if (r.dir === 'send') steps.push({ send: r, replies: [], notices: [] });
    else if (r.dir === 'local-close') steps.push({ replies: [], notices: [] });
    else if (compared(r)) (r.content_type === 'text/disconnect-notice' ? steps.at(-1)!.notices : steps.at(-1)!.replies).push(r);
  }
  return steps;
}

function collect(socket: Socket): EslFrame[] {
  const parser = new EslParser();
  const frames: EslFrame[] = [];
  socket.on('data', (chunk: Buffer) => frames.push(...parser.push(chunk).filter((f) => !isEventFrame(f) && f.contentType !== 'log/data')));
  return frames;
}

function compare(frame: EslFrame, rec: FixtureRecord, send: FixtureRecord | undefined): void {
  const where = `#${rec.seq} after ${JSON.stringify(send?.command ?? '(connect)')}`;
  const norm = (v: string | undefined) => v?.replace(UUID, '<uuid>');
  assert.equal(frame.contentType, rec.content_type, where);
  const replyText = frame.headers['Reply-Text'] === '+OK\n' ? '%2BOK%0A' : frame.headers['Reply-Text'];
  assert.equal(norm(replyText), norm(rec.headers?.['Reply-Text']), `${where} Reply-Text`);
  for (const h of ['Content-Disposition', 'Linger-Time', 'Socket-Mode', 'Control']) assert.equal(frame.headers[h], rec.headers?.[h], `${where} ${h}`);
  if (send && UNSTABLE_BODIES.some((re) => re.test(send.command ?? ''))) return;
  assert.equal(norm(frame.body) ?? null, norm(rec.body ?? undefined) ?? null, `${where} body`);
}

async function replay(socket: Socket, steps: Step[], hooks: Record<number, () => void> = {}): Promise<number> {
  const frames = collect(socket);
  let seen = 0;
  let checked = 0;
  for (const step of steps) {
    if (step.send) socket.write(step.send.raw!);
    else if (step !== steps[0]) socket.end();
    for (const part of [step.replies, step.notices]) {
      if (part === step.notices && step.send) hooks[step.send.seq]?.();
      const want = seen + part.length;
      await waitFor(() => frames.length >= want, `${part.length} frame(s) after ${step.send?.command ?? 'connect'}`);
      part.forEach((rec, i) => compare(frames[seen + i]!, rec, step.send));
      seen = want;
      checked += part.length;
    }
  }
  return checked;
}

describe('the fake FreeSWITCH answers like the captured one', () => {
  for (const [fixture, conn] of [
    ['inbound-auth', 'inbound#1'], ['inbound-auth', 'inbound#2'], ['record', 'inbound#1'],
    ['originate-failures', 'inbound#1'], ['bridge-eavesdrop', 'inbound#1'],
  ] as const) {
    it(`${fixture} ${conn}`, async () => {
      const fake = new FakeFreeSwitch({ password: 'fssecret' });
      const port = await fake.listen();
      const socket = connect({ host: '127.0.0.1', port });
      try {
        const checked = await replay(socket, stepsOf(loadFixture(fixture), conn));
        assert.ok(checked >= 4, `compared ${checked} frames`);
      } finally {
        socket.destroy();
        await fake.close();
      }
    });
  }

  for (const [fixture, uuid, kill] of [
    ['outbound-dtmf-menu', '13ef1dee-bfd5-4806-89b2-900a50451758', undefined],
    ['outbound-caller-hangup', 'cafcfeb5-93aa-4212-9a72-b21e9449f515', 58],
  ] as const) {
    it(`${fixture} outbound#1 (the fake dials a replaying IVR server)`, async () => {
      const fake = new FakeFreeSwitch();
      await fake.listen();
      let checked: Promise<number> | undefined;
      let ivr: Socket | undefined;
      const server = createServer({ allowHalfOpen: true }, (socket) => {
        ivr = socket;
        const hooks: Record<number, () => void> = kill ? { [kill]: () => fake.hangup(uuid, 'NORMAL_CLEARING') } : {};
        checked = replay(socket, stepsOf(loadFixture(fixture), 'outbound#1'), hooks);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address() as { port: number };
      fake.setHotline({ host: '127.0.0.1', port: address.port });
      try {
        fake.placeInbound({ uuid, to: '18005550100', from: '15551230001', callerName: 'Caller Sim' });
        await waitFor(() => checked, 'the connection');
        assert.ok((await checked!) >= 8);
      } finally {
        ivr?.destroy();
        await fake.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  }
});
