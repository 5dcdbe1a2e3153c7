import { pathToFileURL } from 'node:url';
import { createApp, type HotlineApp } from './app.ts';
import { loadConfig, redactedConfig } from './config/load-config.ts';
import { isHotlineError } from './core/errors.ts';
import type { Logger } from './ports/logger.ts';
import { createLogger } from './observability/logger.ts';
import { processIo, type CliIo } from './cli/io.ts';

/**
 * Starts the server: loads the configuration, builds the app, listens, prints where the web
 * page is, and shuts down cleanly on SIGINT/SIGTERM (HTTP closed, sessions detached with calls
 * left on the PBX, driver stopped, store closed). Resolves `undefined` when start-up failed
 * (the reason is printed and `process.exitCode` set).
 */
export async function main(options: { env?: Record<string, string | undefined>; io?: CliIo } = {}): Promise<HotlineApp | undefined> {
  const io = options.io ?? processIo;
  let app: HotlineApp;
  try {
    const config = loadConfig({ env: options.env ?? process.env });
    const logger = createLogger({ level: config.logLevel }) as unknown as Logger;
    logger.info({ config: redactedConfig(config) }, 'configuration loaded');
    app = await createApp(config, { logger });
    const { port } = await app.listen();
    const token = config.adminTokenGenerated ? encodeURIComponent(config.adminToken) : '<HOTLINE_ADMIN_TOKEN>';
    io.stdout(`Hotline listening on http://${config.host}:${port} (PBX=${config.pbx})\n`);
    if (config.adminTokenGenerated) io.stdout(`Admin token (generated; set HOTLINE_ADMIN_TOKEN to keep one): ${config.adminToken}\n`);
    io.stdout(`Web page: http://127.0.0.1:${port}/?token=${token}\n`);
  } catch (err) {
    io.stderr(`hotline: ${isHotlineError(err) ? `${err.code}: ${err.message}` : (err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
    return undefined;
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    // A stuck PBX or store must not keep the process alive forever.
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => {
        clearTimeout(force);
        process.exit(0);
      },
      (err: unknown) => {
        app.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return app;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main();
}
