/**
 * Variant labels from what actually ran. A sweep's variants are labelled by the leaves each axis
 * set, read back from the resolved config of every run (RunRecord.settings), never by the value
 * as typed: `scale_down_delay=10m` runs as 600 s and is labelled 600; a value the run replaced
 * (`--vary seed=...`: the sweep's own seed wins) shows every value it ran as `1|2|3` and a note.
 * `compare a.yaml b.yaml` is labelled by the keys whose resolved values differ (diffConfigs).
 */
import { basename } from 'node:path';
import { axisLeaves, shortKeys, type Variant } from './grid.js';
import type { RunRecord } from './journal.js';
import type { SweepArgs } from './plan.js';
import { valueText } from './simulator.js';

export interface Resolved {
  variants: Variant[];
  /** Things a reader must know about the labels (a value that did not run as written, two variants that ran the same settings). */
  notes: string[];
}

/** One axis of one variant, from its runs' settings: the leaf's value, or `{a: 1, b: 2}` for a mapping axis. */
function axisText(key: string, written: string, runs: readonly Record<string, string>[], notes: string[], variant: number, label: string): string {
  const leaves = axisLeaves(key, written);
  const parts = leaves.map((leaf) => {
    const seen = [...new Set(runs.map((s) => s[leaf]))];
    if (seen.length === 1 && seen[0] === undefined) {
      notes.push(`variant ${variant}: ${leaf} is not in the resolved config under that name (the scenario layer converts it); labelled as written (${label})`);
      return { leaf, text: `${written}?` };
    }
    if (seen.length > 1) notes.push(`variant ${variant}: ${leaf} ran as ${seen.map((v) => v ?? '?').join(', ')} on different seeds, not as the one value ${written}`);
    return { leaf, text: seen.map((v) => v ?? '?').join('|') };
  });
  if (leaves.length === 1 && leaves[0] === key) return parts[0]!.text;
  return `{${parts.map((p) => `${p.leaf.slice(key.length + 1)}: ${p.text}`).join(', ')}}`;
}

export function resolveVariants(args: SweepArgs, variants: readonly Variant[], records: readonly RunRecord[]): Resolved {
  const notes: string[] = [];
  if (args.command === 'compare') {
    const labels = args.labels;
    const out = variants.map((v, i) => (labels && labels[i] ? { ...v, label: labels[i]! } : { ...v }));
    return { variants: out, notes };
  }
  const bySeed = [...records].sort((a, b) => a.seed - b.seed);
  const short = shortKeys(args.vary.map((a) => a.key));
  const out = variants.map((v) => {
    const runs = bySeed.filter((r) => r.variant === v.index && r.settings).map((r) => r.settings!);
    if (runs.length === 0) return { ...v };
    const values = v.values.map((w, i) => axisText(args.vary[i]!.key, w, runs, notes, v.index, `${short[i]}=${w}`));
    return { ...v, values, label: values.map((x, i) => `${short[i]}=${x}`).join(', ') };
  });
  const byLabel = new Map<string, number[]>();
  for (const v of out) byLabel.set(v.label, [...(byLabel.get(v.label) ?? []), v.index]);
  for (const [label, idx] of byLabel) {
    if (idx.length > 1) notes.push(`variants ${idx.join(', ')} ran the same settings (${label}): their values as written resolve to the same config`);
  }
  return { variants: out, notes };
}

/** Leaves of a config as `path → text` (lists item by item; trace rows summarized; name, description and seed left out). */
function flatten(v: unknown, path: string, out: Map<string, string>): void {
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) out.set(path, Array.isArray(v) ? '[]' : '{}');
    for (const [k, x] of entries) flatten(x, path === '' ? k : `${path}.${k}`, out);
    return;
  }
  out.set(path, valueText(v));
}

const IGNORED = new Set(['name', 'description', 'seed']);

/**
 * `compare a b`: each file's label is the settings in which its resolved config differs from the
 * other's (`stop_traffic_threshold_seconds=30, restart_threshold_seconds=600`), at most `max`, then
 * `+N more`; the file name when nothing differs (with a note).
 */
export function diffConfigs(configs: readonly unknown[], files: readonly string[], max = 4): { labels: string[]; notes: string[] } {
  const flat = configs.map((c) => {
    const m = new Map<string, string>();
    flatten(c, '', m);
    for (const k of [...m.keys()]) if (IGNORED.has(k.split('.')[0]!)) m.delete(k);
    return m;
  });
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort();
  const differing = keys.filter((k) => new Set(flat.map((m) => m.get(k) ?? '(absent)')).size > 1);
  if (differing.length === 0) {
    return { labels: files.map((f) => basename(f)), notes: [`${files.join(' and ')} resolve to the same settings (name, description and seed aside): the comparison measures seed noise only`] };
  }
  const short = shortKeys(differing);
  const labels = flat.map((m) => {
    const parts = differing.slice(0, max).map((k, i) => `${short[i]}=${m.get(k) ?? '(absent)'}`);
    if (differing.length > max) parts.push(`+${differing.length - max} more`);
    return parts.join(', ');
  });
  return { labels, notes: [] };
}
