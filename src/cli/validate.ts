/**
 * `hotline validate [paths...]`: checks flow files and queue files (`<flows>/queues/*.yaml`) the
 * way the server does before loading them, and prints compiler-style diagnostics.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isQueueFileName, parseQueueText, queueNameOfFile, validateQueueSet } from '../core/acd/queue-loader.ts';
import type { LoadedQueue } from '../core/acd/queue-loader.ts';
import type { SoundLibrary } from '../ports/sounds.ts';
import { countDiagnostics, formatDiagnostic, sortDiagnostics } from '../core/flow/diagnostics.ts';
import type { Diagnostic } from '../core/flow/diagnostics.ts';
import { parseFlowText } from '../core/flow/loader.ts';
import type { LoadedFlow } from '../core/flow/loader.ts';
import { validateFlows } from '../core/flow/validate.ts';
import { isYamlName, listDir, readText } from '../core/flow/yaml-dir.ts';

/** Where the command writes. */
export interface ValidateIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

/**
 * Validates flow files (paths are files or directories; default `flows/`) as one set, prints
 * each diagnostic and a summary (`2 files, 0 errors, 1 warning`). A directory's `queues/`
 * sub-directory, a directory named `queues`, and files inside one are queue files: they are
 * checked too, and when there are any, `queue` steps must name one of them.
 * @returns the exit code: 0 without errors (warnings allowed), 1 otherwise
 * @example
 * process.exitCode = await runValidate(['flows'], { stdout: (s) => process.stdout.write(s + '\n'), stderr: ... });
 */
export async function runValidate(
  paths: string[],
  io: ValidateIo,
  options: { sounds?: SoundLibrary; transferAllow?: string[]; knownQueues?: readonly string[] } = {},
): Promise<number> {
  const files: string[] = [];
  const queueFiles: string[] = [];
  let queuesGiven = false;
  let failed = false;
  for (const path of paths.length ? paths : ['flows/']) {
    try {
      const info = await stat(path);
      if (info.isDirectory() && basename(path) === 'queues') {
        queuesGiven = true;
        queueFiles.push(...((await queueFilesIn(path)) ?? []));
      } else if (info.isDirectory()) {
        files.push(...(await listDir(path, (e) => isYamlName(e.name))));
        const queues = await queueFilesIn(join(path, 'queues'));
        if (queues) {
          queuesGiven = true;
          queueFiles.push(...queues);
        }
      } else if (basename(dirname(path)) === 'queues') {
        queuesGiven = true;
        queueFiles.push(path);
      } else {
        files.push(path);
      }
    } catch (err) {
      io.stderr(`hotline validate: cannot read ${path}: ${(err as Error).message}`);
      failed = true;
    }
  }
  const diagnostics: Diagnostic[] = [];
  const flows: LoadedFlow[] = [];
  await readEach(files, diagnostics, (text, file) => {
    const parsed = parseFlowText(text, file);
    if (parsed.ok) flows.push(parsed.flow);
    else diagnostics.push(...parsed.diagnostics);
  });
  const queues: LoadedQueue[] = [];
  const brokenQueues: string[] = [];
  await readEach(queueFiles, diagnostics, (text, file) => {
    const parsed = parseQueueText(text, file);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.ok) queues.push(parsed.queue);
    else brokenQueues.push(queueNameOfFile(file));
  });
  diagnostics.push(...validateQueueSet(queues, brokenQueues));
  // A broken queue file still defines its name (it must match the file name): its own errors say what is wrong.
  const queueNames = queuesGiven
    ? {
        knownQueues: [...new Set(queueFiles.map(queueNameOfFile))].sort(),
        recordedQueues: queues.filter((q) => q.definition.recording !== 'none').map((q) => q.definition.name),
      }
    : {};
  try {
    diagnostics.push(...validateFlows(flows, { ...options, ...queueNames }));
  } catch (err) {
    io.stderr(`hotline validate: ${(err as Error).message}`);
    return 1;
  }
  for (const d of sortDiagnostics(diagnostics)) io.stdout(formatDiagnostic(d));
  const { errors, warnings } = countDiagnostics(diagnostics);
  io.stdout(`${plural(files.length + queueFiles.length, 'file')}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  return errors > 0 || failed ? 1 : 0;
}

/** Reads each file in turn and hands its text to `parse`; a file that cannot be read is an error. */
async function readEach(files: readonly string[], diagnostics: Diagnostic[], parse: (text: string, file: string) => void): Promise<void> {
  for (const file of files) {
    const read = await readText(file);
    if (read.ok) parse(read.text, file);
    else diagnostics.push(read.diagnostic);
  }
}

/** Queue files in `dir`, or undefined when there is no such directory. */
async function queueFilesIn(dir: string): Promise<string[] | undefined> {
  try {
    return await listDir(dir, (e) => e.isFile() && isQueueFileName(e.name));
  } catch {
    return undefined;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
