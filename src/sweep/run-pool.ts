/**
 * Where runs execute: a tinypool of worker threads running the compiled worker (dist/sweep/worker.js),
 * or, for tests, a function in this thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Tinypool } from 'tinypool';
import type { Metrics } from './metrics.js';
import type { RunOutcome, RunTask } from './simulator.js';

/** A run's result: the full outcome, or metrics alone (test fakes: no warnings, no settings read back). */
export type RunResult = RunOutcome | Metrics;

export function toOutcome(r: RunResult): RunOutcome {
  if ('metrics' in r && typeof r.metrics === 'object' && r.metrics !== null) return r as RunOutcome;
  return { metrics: r as Metrics, warnings: [], settings: null };
}

export interface Executor {
  run(task: RunTask, signal: AbortSignal): Promise<RunResult>;
  close(): Promise<void>;
}

/**
 * The compiled worker next to this module (when running from dist/), else the one in dist/
 * (when this module runs from src/ under vitest or tsx: workers always run compiled JS).
 */
export function workerFile(): string {
  const here = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = fileURLToPath(new URL('../../dist/sweep/worker.js', import.meta.url));
  if (existsSync(built)) return built;
  throw new Error(`sweep worker not found at ${here} or ${built}: run \`npm run build\` first`);
}

/**
 * The CLI's launcher (bin/deploysim.js) runs its CommonJS bundle from V8's code cache, and Node 20
 * loses a cached script's loader for import(): the launcher passes its own import() in as this.
 */
declare const __deploysimImport: ((specifier: string) => Promise<unknown>) | undefined;

function importTinypool(): Promise<typeof import('tinypool')> {
  if (typeof __deploysimImport !== 'undefined') return __deploysimImport('tinypool') as Promise<typeof import('tinypool')>;
  return import('tinypool');
}

export function poolExecutor(workers: number): Executor {
  const filename = workerFile();
  // Imported when the first run starts: tinypool is an ES module only, which the CLI's CommonJS
  // bundle (src/scripts/bundle.ts) cannot require().
  let pool: Promise<Tinypool> | null = null;
  const started = () => (pool ??= importTinypool().then(({ Tinypool }) => new Tinypool({ filename, minThreads: workers, maxThreads: workers, idleTimeout: 1000 })));
  return {
    run: async (task, signal) => (await started()).run(task, { signal }) as Promise<RunOutcome>,
    close: async () => {
      if (pool) await (await pool).destroy();
    },
  };
}

/** Runs in this thread, one at a time (tests, and fakes before the simulator exists). */
export function inlineExecutor(fn: (task: RunTask) => RunResult | Promise<RunResult>): Executor {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    run(task, signal) {
      const p = chain.then(() => {
        if (signal.aborted) throw new DOMException('aborted', 'AbortError');
        return fn(task);
      });
      chain = p.catch(() => undefined);
      return p;
    },
    close: async () => undefined,
  };
}
