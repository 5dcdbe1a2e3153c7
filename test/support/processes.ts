import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A loopback port nobody listens on: bind 0, read the port, release it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `check` until it returns a value other than `undefined`/`false`, or fails at the
 * deadline. For waiting on other processes and sockets, never on test time (that runs on a
 * manual clock).
 */
export async function waitUntil<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  options: { timeoutMs?: number; pauseMs?: number; explain?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs ?? 5000} ms waiting for ${what}${options.explain ? `\n${options.explain()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 10));
  }
}

/** One `hotline serve` child process and everything it printed. */
export interface HotlineProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<void>;
  /** Resolves once `GET /ready` answers 200 on `port`; fails if the process exits first. */
  ready(port: number, timeoutMs?: number): Promise<void>;
  /** `kill -9`, and waits for the exit. */
  kill(): Promise<void>;
}

/** Starts `node bin/hotline.js serve` from the checkout with only `env` (plus PATH and HOME). */
export function startHotlineProcess(env: Record<string, string>): HotlineProcess {
  const child = spawn(process.execPath, ['bin/hotline.js', 'serve'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    exited,
    ready: async (port, timeoutMs = 30_000) => {
      await waitUntil(
        async () => {
          if (child.exitCode !== null || child.signalCode !== null) throw new Error(`hotline exited (${child.exitCode ?? child.signalCode}):\n${output}`);
          const res = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined);
          return res?.status === 200;
        },
        'GET /ready',
        { timeoutMs, pauseMs: 20, explain: () => `--- hotline output ---\n${output.slice(-4000)}` },
      );
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
