import { execFile, spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BrokerOptions, RunningBroker, startBroker } from '../src';

/** A broker on a free port; in memory unless a dataDir is given. */
export function startTestBroker(options: BrokerOptions = {}): Promise<RunningBroker> {
  return startBroker({ port: 0, groupInitialRebalanceDelayMs: 0, ...options });
}

export function tempDir(prefix = 'kafka-broker-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface KcatResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs kcat to completion, feeding `input` on stdin. */
export function kcat(args: string[], input?: string | Buffer, timeoutMs = 20_000): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error('kcat is not installed (apt-get install kcat)'));
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

/** Starts a long-running kcat (e.g. a -G consumer); the caller kills it. */
export function spawnKcat(args: string[]): ChildProcess {
  return spawn('kcat', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

let seq = 0;
/** A topic or group name unique within this test process. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${++seq}-${Date.now().toString(36)}`;
}
