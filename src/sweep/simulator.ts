/**
 * The sweep's only contact with the rest of deploysim: load a scenario with overrides and a seed,
 * run it, keep the metrics. Used in the main thread (validation) and in the workers (runs).
 */
import { simulate } from '../run.js';
import { loadScenario } from '../scenario/load.js';
import type { Config } from '../model/config.js';
import { metricsOf, type Metrics } from './metrics.js';

export interface LoadOptions {
  overrides?: string[];
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

export async function runTask(load: LoadScenario, task: RunTask): Promise<Metrics> {
  const { config } = await load(task.file, { overrides: task.overrides, seed: task.seed });
  return metricsOf(simulate(config));
}
