/**
 * The worker thread's entry (tinypool calls the default export once per run). Workers are reused,
 * so the scenario loader's per-process caches (parsed traces) serve every run of the thread.
 */
import { defaultLoader, runTask, type RunTask } from './simulator.js';
import type { Metrics } from './metrics.js';

export default function run(task: RunTask): Promise<Metrics> {
  return runTask(defaultLoader, task);
}
