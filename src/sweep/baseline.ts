/**
 * `--baseline`: the variant every other variant's paired differences are taken against. Without
 * it the baseline is variant 0 (the first value of every `--vary`; compare: the first file).
 *
 * The user names it the way the outputs name variants:
 * - `#3`: by its index (the `#` column of the table);
 * - a label as printed (`stop_traffic_threshold_seconds=60, restart_threshold_seconds=300`), or
 *   some of its settings (`restart_threshold_seconds=300` when that picks one variant): each
 *   `key=value` (commas inside brackets or quotes do not split) must name a varied key by its full
 *   path or a dotted tail of it (`health_checks.restart_threshold_seconds`, `restart_threshold_seconds`),
 *   and the value as written on `--vary` or as it ran (`4m` or `240`);
 * - compare: a file as given on the command line, or its base name.
 *
 * Matching no variant, or more than one, is bad input (exit 2): the message lists every variant.
 */
import { basename } from 'node:path';
import { splitValues, type Variant } from './grid.js';

/** What sweep.json stores: the user's words and the variant they picked (resolved once, before any run). */
export interface BaselineChoice {
  spec: string;
  variant: number;
}

/** One variant's settings as `key → values it answers to` (written and resolved). */
interface Facts {
  index: number;
  label: string;
  pairs: { key: string; values: Set<string> }[];
  files: string[];
}

const norm = (s: string): string => s.trim().replace(/\s*,\s*/g, ', ').replace(/\s*=\s*/g, '=');

/** Either key is the other, or a dotted tail of it: `restart_threshold_seconds` ↔ `deployment.runtime.health_checks.restart_threshold_seconds`. */
function sameKey(a: string, b: string): boolean {
  return a === b || a.endsWith('.' + b) || b.endsWith('.' + a);
}

/** `a=1, b={x: 1, y: 2}` → [[a, 1], [b, {x: 1, y: 2}]]; null when some part has no `=`. */
function parsePairs(text: string): [string, string][] | null {
  const out: [string, string][] = [];
  for (const part of splitValues(text)) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    out.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
  }
  return out;
}

/**
 * `written`: the variants as the grid made them (values as typed, full keys in `axisKeys`);
 * `resolved`: the same variants labelled by what ran (labels.ts), same order. For compare,
 * `axisKeys` is empty and the keys are read from the resolved labels.
 */
function factsOf(written: readonly Variant[], resolved: readonly Variant[], axisKeys: readonly string[]): Facts[] {
  return written.map((w, i) => {
    const r = resolved[i] ?? w;
    const pairs =
      axisKeys.length > 0
        ? axisKeys.map((key, a) => ({ key, values: new Set([w.values[a]!, r.values[a]!].map((v) => v.trim())) }))
        : (parsePairs(r.label) ?? []).map(([key, v]) => ({ key, values: new Set([v]) }));
    const files = axisKeys.length > 0 ? [] : [w.file, basename(w.file)];
    return { index: w.index, label: r.label, pairs, files };
  });
}

/** `#0 a=1, b=2; #1 ...`; compare: `#0 a.yaml (a=1, b=2); ...`. */
function variantList(facts: readonly Facts[]): string {
  return facts.map((f) => `#${f.index} ${f.files.length > 0 && f.files[0] !== f.label ? `${f.files[0]} (${f.label})` : f.label}`).join('; ');
}

/**
 * The index of the variant `spec` names, or the message saying why none (or several) does.
 * `axisKeys`: the sweep's --vary keys (empty for compare).
 */
export function findBaseline(spec: string, written: readonly Variant[], resolved: readonly Variant[], axisKeys: readonly string[]): { variant: number } | { error: string } {
  const facts = factsOf(written, resolved, axisKeys);
  const all = `the variants are ${variantList(facts)}`;
  const text = spec.trim();
  const byIndex = /^#(\d+)$/.exec(text);
  if (byIndex) {
    const i = Number(byIndex[1]);
    return i < facts.length ? { variant: i } : { error: `--baseline ${spec}: there is no variant #${i}; ${all}` };
  }
  const exact = facts.filter((f) => norm(f.label) === norm(text) || f.files.includes(text) || norm(written[f.index]!.label) === norm(text));
  if (exact.length === 1) return { variant: exact[0]!.index };
  const pairs = parsePairs(text);
  if (pairs === null) return { error: `--baseline ${spec}: matches no variant (expected #N, a label, or key=value,...); ${all}` };
  const keys = [...new Set(facts.flatMap((f) => f.pairs.map((p) => p.key)))];
  const unknown = pairs.filter(([k]) => !keys.some((key) => sameKey(key, k))).map(([k]) => k);
  if (unknown.length > 0) {
    return { error: `--baseline ${spec}: ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not a varied key (varied: ${keys.join(', ')}); ${all}` };
  }
  const matches = facts.filter((f) => pairs.every(([k, v]) => f.pairs.some((p) => sameKey(p.key, k) && p.values.has(v))));
  if (matches.length === 1) return { variant: matches[0]!.index };
  if (matches.length === 0) return { error: `--baseline ${spec}: matches no variant; ${all}` };
  return { error: `--baseline ${spec}: matches ${matches.length} variants (${matches.map((f) => `#${f.index}`).join(', ')}); name more keys, or #N; ${all}` };
}
