import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { splitRegexList } from '../config/load-config.ts';
import type { CliIo } from './io.ts';

/** `hotline --help`. */
export const USAGE = `Usage: hotline [command] [options]

Commands:
  serve                          run the server (default); configured by environment (PORT, PBX, ...)
  validate [paths...]            check flow files or directories (default: $FLOWS_DIR or flows/)
  graph <flow-file-or-id>        print a flow's statechart as Stately JSON
        [--mermaid]              ... or as a Mermaid stateDiagram-v2
  simulate --to <number>         run one simulated call in-process
        [--from <number>] [--at <ISO time>] --input "<script>" [--json]
        script: comma-separated digits (1, 123456#), say:<words>, wait:<seconds>s, hangup

Options:
  --flows-dir <dir>              flows directory (default: $FLOWS_DIR or flows)
  --sounds-dir <dir>             sounds directory (default: $SOUNDS_DIR or sounds)
  -h, --help                     show this help
`;

/** Exit code for a command line Hotline does not understand. */
const USAGE_ERROR = 2;

/**
 * Dispatches `hotline <command>`. Returns the exit code, or `'running'` for `serve` (the process
 * then lives until a signal).
 */
export async function runCli(argv: string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number | 'running'> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.stderr(`hotline: ${(err as Error).message}\n\n${USAGE}`);
    return USAGE_ERROR;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const [command = 'serve', ...args] = positionals;
  const flowsDir = values['flows-dir'] ?? env.FLOWS_DIR ?? 'flows';
  const soundsDir = values['sounds-dir'] ?? env.SOUNDS_DIR ?? 'sounds';
  const usage = (message: string): number => {
    io.stderr(`hotline ${command}: ${message}\n\n${USAGE}`);
    return USAGE_ERROR;
  };
  const allowOnly = (...names: string[]): string | undefined => {
    const extra = Object.keys(values).filter((k) => !['help', 'flows-dir', 'sounds-dir', ...names].includes(k));
    return extra.length ? `option --${extra[0]} does not apply to \`${command}\`` : undefined;
  };

  switch (command) {
    case 'serve': {
      const bad = allowOnly();
      if (bad || args.length) return usage(bad ?? `unexpected argument ${args[0]}`);
      const { runServe } = await import('./serve.ts');
      return runServe(io, { ...env, ...(values['flows-dir'] ? { FLOWS_DIR: flowsDir } : {}), ...(values['sounds-dir'] ? { SOUNDS_DIR: soundsDir } : {}) });
    }
    case 'validate': {
      const bad = allowOnly();
      if (bad) return usage(bad);
      const { runValidate } = await import('./validate.ts');
      const sounds = existsSync(soundsDir) ? await (await import('../adapters/fs-sounds/fs-sound-library.ts')).FsSoundLibrary.load(soundsDir) : undefined;
      // runValidate writes whole lines without their newline.
      const lines: CliIo = { stdout: (t) => io.stdout(t.endsWith('\n') ? t : `${t}\n`), stderr: (t) => io.stderr(t.endsWith('\n') ? t : `${t}\n`) };
      return runValidate(args.length ? args : [flowsDir], lines, sounds ? { sounds } : undefined);
    }
    case 'graph': {
      const bad = allowOnly('mermaid');
      if (bad) return usage(bad);
      if (args.length !== 1) return usage('needs exactly one flow file or flow id');
      const { runGraph } = await import('./graph.ts');
      return runGraph(args[0]!, { mermaid: values.mermaid === true, flowsDir }, io);
    }
    case 'simulate': {
      const bad = allowOnly('to', 'from', 'at', 'input', 'json');
      if (bad) return usage(bad);
      if (args.length) return usage(`unexpected argument ${args[0]}`);
      if (!values.to) return usage('--to <number> is required');
      if (values.input === undefined) return usage('--input "<script>" is required');
      const settings: Record<string, string> = {};
      for (const [name, value] of Object.entries(env)) {
        const m = /^HOTLINE_SETTING_([A-Z0-9_]+)$/i.exec(name);
        if (m && value !== undefined) settings[m[1]!.toLowerCase()] = value;
      }
      const { simulate } = await import('./simulate.ts');
      return simulate(
        {
          to: values.to,
          ...(values.from ? { from: values.from } : {}),
          ...(values.at ? { at: values.at } : {}),
          input: values.input,
          json: values.json === true,
          flowsDir,
          soundsDir,
          settings,
          ...(env.DEFAULT_FLOW ? { defaultFlow: env.DEFAULT_FLOW } : {}),
          ...(env.TRANSFER_ALLOW ? { transferAllow: splitRegexList(env.TRANSFER_ALLOW) } : {}),
        },
        io,
      );
    }
    case 'help':
      io.stdout(USAGE);
      return 0;
    default:
      return usage(`unknown command \`${command}\``);
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      mermaid: { type: 'boolean' },
      json: { type: 'boolean' },
      to: { type: 'string' },
      from: { type: 'string' },
      at: { type: 'string' },
      input: { type: 'string' },
      'flows-dir': { type: 'string' },
      'sounds-dir': { type: 'string' },
    },
  });
}
