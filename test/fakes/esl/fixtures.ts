import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/**
 * The captured FreeSWITCH 1.10.12 traffic (see its README.md). Read-only ground truth shared by
 * the team; `ESL_FIXTURES_DIR` points elsewhere when the captures live in another place.
 */
export const FIXTURES_DIR = process.env['ESL_FIXTURES_DIR'] ?? fileURLToPath(new URL('../../../../shared/fixtures/esl', import.meta.url));

export interface FixtureRecord {
  seq: number;
  conn: string | null;
  dir: 'note' | 'send' | 'recv' | 'socket-open' | 'socket-accept' | 'socket-closed' | 'local-close' | 'server-listening' | 'server-closed';
  raw?: string;
  command?: string;
  content_type?: string;
  headers?: Record<string, string>;
  body?: string | null;
  summary?: Record<string, string>;
  text?: string;
}

export function loadFixture(name: string): FixtureRecord[] {
  return readFileSync(join(FIXTURES_DIR, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as FixtureRecord);
}

/** Everything FreeSWITCH sent on one connection, concatenated (what a reader gets, in order). */
export function recvStream(records: FixtureRecord[], conn: string): string {
  return records.filter((r) => r.conn === conn && r.dir === 'recv').map((r) => r.raw ?? '').join('');
}

export function recvRecords(records: FixtureRecord[], conn: string): FixtureRecord[] {
  return records.filter((r) => r.conn === conn && r.dir === 'recv');
}

export const FIXTURE_NAMES = [
  'inbound-auth', 'outbound-dtmf-menu', 'outbound-caller-hangup', 'record', 'bridge-eavesdrop', 'originate-failures', 'app-down',
] as const;
