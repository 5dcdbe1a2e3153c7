import { freePort } from './processes.ts';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { after, before } from 'node:test';
import { createRedisConnection, type RedisConnection } from '../../src/adapters/redis/redis-client.ts';

/** A throwaway Redis for one test file. */
export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts a private `redis-server` on a free loopback port with persistence off, and waits until
 * it answers PING. Stop it in `after()`.
 *
 * @example
 * const redis = await startRedis();
 * after(() => redis.stop());
 */
export async function startRedis(): Promise<TestRedis> {
  const which = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (which.error || which.status !== 0) {
    throw new Error(
      'redis-server is not installed: the Redis store tests run a real server. ' +
        'Install it (Debian/Ubuntu: apt-get install -y redis-server) or run the project test script, which does.',
    );
  }
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  try {
    await waitForPing(port, child, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A Redis started for one test file, with an admin connection for set-up and inspection. */
export interface SharedRedis {
  /** `redis://127.0.0.1:<port>`, for the connections under test. */
  readonly url: string;
  /** A connection the test file keeps (FLUSHALL, KEYS, …). */
  readonly admin: RedisConnection;
}

/**
 * Starts a Redis and an admin connection in `before()` and closes both in `after()` of the
 * current test file (or suite). Read `url` and `admin` inside tests, once `before()` has run.
 *
 * @example
 * const redis = useRedisServer();
 * it('…', async () => { await redis.admin.sendCommand(['FLUSHALL']); });
 */
export function useRedisServer(): SharedRedis {
  let server: TestRedis | undefined;
  let admin: RedisConnection | undefined;
  before(async () => {
    server = await startRedis();
    admin = await createRedisConnection(server.url);
  });
  after(async () => {
    await admin?.close();
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useRedisServer: Redis is not started yet (read it inside a test or a hook)');
    return value;
  };
  return {
    get url() {
      return started(server).url;
    },
    get admin() {
      return started(admin);
    },
  };
}

/** Polls with a raw RESP PING until PONG, the process dies, or 10 s pass. */
async function waitForPing(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (code ${child.exitCode}):\n${output()}`);
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 25)); // waiting for a process to boot, not for test time
  }
  throw new Error(`redis-server did not answer PING on port ${port} within 10 s:\n${output()}`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
