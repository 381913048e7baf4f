/**
 * The worker thread's entry (tinypool calls the default export once per run). Workers are reused,
 * so the scenario loader's per-process caches (parsed traces) serve every run of the thread.
 */
import { defaultLoader, runOutcome, type RunOutcome, type RunTask } from './simulator.js';

export default function run(task: RunTask): Promise<RunOutcome> {
  return runOutcome(defaultLoader, task);
}
