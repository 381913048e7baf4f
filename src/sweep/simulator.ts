/**
 * The sweep's only contact with the rest of deploysim: load a scenario with overrides and a seed,
 * run it, keep the metrics. Used in the main thread (validation) and in the workers (runs).
 */
import { simulate } from '../run.js';
import { loadScenario } from '../scenario/load.js';
import type { Config } from '../model/config.js';
import { axisLeaves } from './grid.js';
import type { ChainSummary } from '../model/summary.js';
import { ChainHealthFold, HealthFold } from './health.js';
import { metricsOf, type Metrics } from './metrics.js';

export interface LoadOptions {
  overrides?: string[];
  /** The option the overrides came from, naming them in messages: a sweep's are `--vary`. */
  overrideOption?: '--set' | '--vary';
  seed?: number;
}

export type LoadScenario = (file: string, opts: LoadOptions) => Loaded | Promise<Loaded>;

export interface Loaded {
  config: Config;
  /** Scenario warnings (deprecated keys, ...): shown once per sweep. */
  warnings?: string[];
  /** Absolute paths of the other files the scenario reads (traces): their content is part of the sweep's run key. */
  reads?: string[];
}

/** One run of the pool: a scenario file (absolute), its overrides and a seed. Not the config: workers load it. */
export interface RunTask {
  file: string;
  overrides: string[];
  seed: number;
}

/** A scenario error (src/scenario's ScenarioError): an Error with one clear line per problem. */
export function scenarioMessages(err: unknown): string[] | null {
  if (err instanceof Error && Array.isArray((err as { messages?: unknown }).messages)) {
    return (err as unknown as { messages: unknown[] }).messages.map(String);
  }
  return null;
}

export const defaultLoader: LoadScenario = loadScenario;

/** What a run gives back: its metrics, its warnings, and the settings it actually ran. */
export interface RunOutcome {
  metrics: Metrics;
  /** The summary's warnings (a fault that hit nothing, ...). */
  warnings: string[];
  /**
   * Each leaf the overrides set, read back from the resolved config that ran (`key.path` → value
   * as text); a leaf the config does not hold under that path (the scenario layer renamed or
   * converted it) is absent. Null when the executor did not report them (test fakes).
   */
  settings: Record<string, string> | null;
}

/** Compact text of a config value: numbers to 10 significant digits, mappings and lists in YAML flow style. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) && !Number.isSafeInteger(v) ? String(Number(v.toPrecision(10))) : String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueText).join(', ')}]`;
  if (ArrayBuffer.isView(v)) return `(${(v as unknown as ArrayLike<number>).length} values)`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${valueText(x)}`).join(', ')}}`;
}

/**
 * The value at a dotted path in the config, or `undefined` when the path is not there. A chainlet
 * key as `--set` writes it (`chain.chainlets.LLM.autoscaling.max_replica`) is read where the
 * resolved config holds it: the chainlet named LLM in the list, its deployment keys under
 * `deployment` (`steps`, `depends` and `name` beside it).
 */
export function configAt(config: unknown, path: string): unknown {
  const segs = path.split('.');
  const chain = (config as Partial<Config> | null)?.chain;
  if (segs[0] === 'chain' && segs[1] === 'chainlets' && segs.length >= 3 && chain) {
    const c = chain.chainlets.find((x) => x.name === segs[2]);
    if (!c) return undefined;
    if (segs.length === 3) return c;
    const inner = ['steps', 'depends', 'name'].includes(segs[3]!) ? c : c.deployment;
    return walk(inner, segs.slice(3));
  }
  return walk(config, segs);
}

function walk(config: unknown, segs: readonly string[]): unknown {
  let node: unknown = config;
  for (const seg of segs) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, seg)) return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

/** The leaves `overrides` set (`key.path=value`, a mapping value leaf by leaf), read back from `config`. */
export function resolvedSettings(config: Config, overrides: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of overrides) {
    const eq = o.indexOf('=');
    if (eq <= 0) continue;
    for (const leaf of axisLeaves(o.slice(0, eq).trim(), o.slice(eq + 1))) {
      const v = configAt(config, leaf);
      if (v !== undefined) out[leaf] = valueText(v);
    }
  }
  return out;
}

export async function runOutcome(load: LoadScenario, task: RunTask): Promise<RunOutcome> {
  const { config } = await load(task.file, { overrides: task.overrides, overrideOption: '--vary', seed: task.seed });
  const settings = resolvedSettings(config, task.overrides);
  if (config.chain) {
    const fold = new ChainHealthFold(config.chain.entrypoint, config.chain.chainlets.map((c) => c.name));
    const summary = simulate(config, fold.sinks) as ChainSummary;
    const own = Object.fromEntries(Object.entries(summary.chainlets).map(([n, s]) => [n, s.warnings]));
    const health = fold.metrics(own);
    return { metrics: metricsOf(summary, health.get(config.chain.entrypoint)!, health), warnings: [...summary.warnings], settings };
  }
  const fold = new HealthFold();
  const summary = simulate(config, fold.sinks);
  return { metrics: metricsOf(summary, fold.metrics(summary.warnings)), warnings: [...summary.warnings], settings };
}

/** The metrics only (tests that build records by hand). */
export async function runTask(load: LoadScenario, task: RunTask): Promise<Metrics> {
  return (await runOutcome(load, task)).metrics;
}
