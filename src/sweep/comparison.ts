/**
 * Per-variant statistics over seeds: mean and 95 % interval of every metric, the paired
 * difference to the baseline (`--baseline`, else variant 0) on the same seeds, the cost / failed-requests Pareto
 * front and the requirement check. Written as comparison.csv (one row per variant and metric)
 * and printed as a table.
 */
import { stringify } from 'csv-stringify/sync';
import { shortKeys, type Variant } from './grid.js';
import type { RunRecord } from './journal.js';
import { CHAIN_PREFIX, metricKeysOf, splitMetric, type MetricKey } from './metrics.js';
import { paretoFront } from './pareto.js';
import { isMissedFault } from './health.js';
import { meets, parseRequirement, type Requirement } from './requirements.js';
import { meanCi, pairedDiff, type Estimate } from './stats.js';
import { fmtNum } from './format.js';

export interface MetricStats {
  est: Estimate;
  /** Paired difference variant − baseline over the seeds where both have a value. */
  diff: Estimate;
}

/** The runs of a variant that reported warnings. */
export interface VariantWarnings {
  /** Seeds with at least one warning. */
  seeds: number;
  /** Seeds where some fault occurrence hit nothing (the setting under test was not exercised there). */
  missedSeeds: number;
  /** Distinct warning texts, first few, with the seeds they appeared in. */
  examples: { text: string; seeds: number[] }[];
}

export interface VariantStats {
  variant: Variant;
  /** Every metric of the sweep (Comparison.metrics), and any a requirement or --minimize names. */
  metrics: Record<MetricKey, MetricStats>;
  pareto: boolean;
  /** Every requirement met with confidence; null when there are no requirements. */
  meets: boolean | null;
  /** The requirements (user's and default) it does not meet with confidence. */
  failing: string[];
  /** Seeds that ran for this variant. */
  seedsRun: number;
  warnings: VariantWarnings;
}

/**
 * A varied key that changed nothing: every variant gave the very same runs (every metric, every
 * seed) at each of its values, the other keys held. The sweep could not tell its values apart.
 */
export interface NoDifference {
  /** The key path as given to --vary. */
  key: string;
  /** Its short name, as in the labels. */
  name: string;
  /** Its values, in grid order. */
  values: string[];
}

/** A variant meeting the requirements with the very same mean of --minimize as the recommended one. */
export interface Tie {
  index: number;
  /** Every metric the same as the recommended variant's in every seed. */
  identical: boolean;
}

export interface Comparison {
  seeds: number[];
  /**
   * The sweep's metrics in output order: METRICS, then (a chain) `chain.*` and each chainlet's
   * `NAME.*`, as the records hold them (metricKeysOf).
   */
  metrics: MetricKey[];
  variants: VariantStats[];
  /** The user's --require. */
  requirements: Requirement[];
  /**
   * Requirements applied by default when a recommendation is asked for (no mid-load kill, no
   * missed fault in any seed), unless a --require names the same metric; only on measured metrics.
   * In a chain sweep they are on the whole chain (`chain.mid_load_kills<=0`, `chain.faults_missed<=0`)
   * and dropped by a --require on that metric of any scope (`LLM.mid_load_kills<=1`).
   */
  defaults: Requirement[];
  minimize: MetricKey | null;
  /** Index of the recommended variant, or null (none meets the requirements, or nothing asked). */
  best: number | null;
  /** Variants that would have been recommended but for a default requirement (better on --minimize, meeting the user's requirements). */
  excludedByDefault: number[];
  /** Notes on the labels (resolveVariants) and on the comparison. */
  notes: string[];
  /** Index of the baseline every `diff` is taken against (`--baseline`; 0 without it). */
  baseline: number;
  /** The baseline was named by `--baseline` (false: variant 0 by default). */
  baselineChosen: boolean;
  /** Varied keys whose values gave identical runs (none in `compare`). */
  noDifference: NoDifference[];
  /** Variants tied with the recommended one on --minimize: it was picked by grid order among them. */
  ties: Tie[];
  /**
   * Variants meeting the requirements whose --minimize is higher, but not distinguishably so: the
   * paired difference to the recommended one (theirs − its, same seeds) has a 95 % interval that
   * reaches 0. The seeds cannot tell them apart on that metric.
   */
  close: { index: number; diff: Estimate }[];
}

/**
 * The default requirements: a mid-load kill is harm no other metric shows (the start begins again,
 * the capacity arrives later), and a seed whose fault hit nothing did not test the setting. Each is
 * dropped when a --require names its metric (`--require 'mid_load_kills<=0.5'` allows some).
 */
export const DEFAULT_REQUIREMENTS = ['mid_load_kills<=0', 'faults_missed<=0'] as const;

/** Values of one metric per seed, aligned with `seeds` (null where missing). */
function series(records: readonly RunRecord[], variant: number, seeds: readonly number[], metric: MetricKey): (number | null)[] {
  const bySeed = new Map<number, number | null>();
  for (const r of records) if (r.variant === variant) bySeed.set(r.seed, r.metrics[metric] ?? null);
  return seeds.map((s) => bySeed.get(s) ?? null);
}

function warningsOf(records: readonly RunRecord[], variant: number): VariantWarnings {
  const mine = records.filter((r) => r.variant === variant).sort((a, b) => a.seed - b.seed);
  const texts = new Map<string, number[]>();
  let seeds = 0;
  let missedSeeds = 0;
  for (const r of mine) {
    const w = r.warnings ?? [];
    if (w.length > 0) seeds++;
    if (w.some(isMissedFault) || (r.metrics.faults_missed ?? 0) > 0 || (r.metrics[`${CHAIN_PREFIX}.faults_missed`] ?? 0) > 0) missedSeeds++;
    for (const t of new Set(w)) texts.set(t, [...(texts.get(t) ?? []), r.seed]);
  }
  const examples = [...texts.entries()].slice(0, 3).map(([text, s]) => ({ text, seeds: s }));
  return { seeds, missedSeeds, examples };
}

/** The runs of each variant by seed. */
function runsByVariant(records: readonly RunRecord[]): Map<number, Map<number, RunRecord>> {
  const out = new Map<number, Map<number, RunRecord>>();
  for (const r of records) {
    if (!out.has(r.variant)) out.set(r.variant, new Map());
    out.get(r.variant)!.set(r.seed, r);
  }
  return out;
}

/** Two variants ran the same seeds, at least one, and every metric of every seed is the same. */
function sameRuns(runs: Map<number, Map<number, RunRecord>>, a: number, b: number): boolean {
  const ra = runs.get(a);
  const rb = runs.get(b);
  if (!ra || !rb || ra.size === 0 || ra.size !== rb.size) return false;
  for (const [seed, x] of ra) {
    const y = rb.get(seed);
    if (!y) return false;
    for (const k of new Set([...Object.keys(x.metrics), ...Object.keys(y.metrics)])) {
      if (!Object.is(x.metrics[k] ?? null, y.metrics[k] ?? null)) return false;
    }
  }
  return true;
}

/**
 * The varied keys that made no difference: group the variants by their values of the other keys;
 * the key made none when, in every group where it takes two values or more, every variant ran the
 * same as the group's first. E.g. stop_traffic_threshold_seconds=30,120 × restart_check_delay_seconds=0,600
 * with no fault: (30, 0) = (120, 0) and (30, 600) = (120, 600) on every metric and seed.
 */
function noDifferenceOf(variants: readonly Variant[], runs: Map<number, Map<number, RunRecord>>, keys: readonly string[]): NoDifference[] {
  const short = shortKeys(keys);
  const out: NoDifference[] = [];
  keys.forEach((key, a) => {
    const groups = new Map<string, Variant[]>();
    for (const v of variants) {
      const rest = JSON.stringify(v.values.filter((_, i) => i !== a));
      groups.set(rest, [...(groups.get(rest) ?? []), v]);
    }
    let compared = false;
    for (const group of groups.values()) {
      if (new Set(group.map((v) => v.values[a])).size < 2) continue;
      compared = true;
      if (!group.every((v) => sameRuns(runs, group[0]!.index, v.index))) return;
    }
    if (compared) out.push({ key, name: short[a]!, values: [...new Set(variants.map((v) => v.values[a]!))] });
  });
  return out;
}

/**
 * `keys`: the varied keys, in axis order (a sweep's `--vary`; none for `compare`), for the keys
 * that made no difference.
 */
export function compareVariants(
  variants: readonly Variant[],
  seeds: readonly number[],
  records: readonly RunRecord[],
  requirements: readonly Requirement[] = [],
  minimize: MetricKey | null = null,
  notes: readonly string[] = [],
  baseline: number | null = null,
  keys: readonly string[] = [],
): Comparison {
  const baseIndex = baseline ?? 0;
  if (!variants.some((v) => v.index === baseIndex)) throw new Error(`compareVariants: baseline #${baseIndex} is not a variant (0–${variants.length - 1})`);
  const metricKeys = metricKeysOf(records);
  const asked = requirements.length > 0 || minimize !== null;
  // A metric no run reported (an executor that does not fold the event stream) is not measured: no default on it.
  const measured = (m: MetricKey) => records.some((r) => r.metrics[m] !== undefined);
  const chain = measured(`${CHAIN_PREFIX}.mid_load_kills`) || measured(`${CHAIN_PREFIX}.faults_missed`);
  const defaults = asked
    ? DEFAULT_REQUIREMENTS.map((d) => parseRequirement(chain ? `${CHAIN_PREFIX}.${d}` : d)).filter(
        (d) => measured(d.metric) && !requirements.some((r) => splitMetric(r.metric).base === splitMetric(d.metric).base),
      )
    : [];
  const all = [...requirements, ...defaults];
  const statKeys = [...new Set([...metricKeys, ...all.map((r) => r.metric), ...(minimize === null ? [] : [minimize])])];
  const stats: VariantStats[] = variants.map((variant) => {
    const metrics = {} as Record<MetricKey, MetricStats>;
    for (const m of statKeys) {
      const base = series(records, baseIndex, seeds, m);
      const mine = series(records, variant.index, seeds, m);
      metrics[m] = { est: meanCi(mine.filter((x): x is number => x !== null)), diff: pairedDiff(base, mine) };
    }
    const seedsRun = records.filter((r) => r.variant === variant.index).length;
    return { variant, metrics, pareto: false, meets: null, failing: [], seedsRun, warnings: warningsOf(records, variant.index) };
  });
  const front = paretoFront(stats.map((s) => ({ x: s.metrics.cost.est.mean, y: s.metrics.failed_requests.est.mean })));
  stats.forEach((s, i) => {
    s.pareto = front[i]!;
    if (all.length > 0) {
      s.failing = all.filter((r) => !meets(r, s.metrics[r.metric].est)).map((r) => r.text);
      s.meets = s.failing.length === 0;
    }
  });

  const pick = (ok: (s: VariantStats) => boolean): number | null => {
    let best: number | null = null;
    for (const s of stats) {
      if (!ok(s)) continue;
      if (minimize === null) return s.variant.index; // requirements only: the first variant (grid order) that meets them
      const v = s.metrics[minimize].est.mean;
      if (v === null) continue;
      const cur = best === null ? null : stats[best]!.metrics[minimize].est.mean;
      if (cur === null || v < cur) best = s.variant.index; // ties keep the earlier variant
    }
    return best;
  };
  let best: number | null = null;
  const excludedByDefault: number[] = [];
  if (asked) {
    best = pick((s) => s.meets !== false);
    const userOk = (s: VariantStats) => requirements.every((r) => meets(r, s.metrics[r.metric].est));
    // What the user's requirements alone would pick, when the defaults ruled it out: named in the reason.
    for (const s of stats) {
      if (s.meets !== false || !userOk(s)) continue;
      if (minimize === null) {
        if (best === null || s.variant.index < best) excludedByDefault.push(s.variant.index);
        continue;
      }
      const v = s.metrics[minimize].est.mean;
      const b = best === null ? null : stats[best]!.metrics[minimize].est.mean;
      if (v !== null && (b === null || v < b)) excludedByDefault.push(s.variant.index);
    }
  }
  const runs = runsByVariant(records);
  // Equal means are a tie `pick` breaks by grid order: the reason must say so (two values of a key that changed nothing tie exactly).
  const ties: Tie[] = [];
  if (best !== null && minimize !== null) {
    const bestMean = stats[best]!.metrics[minimize].est.mean;
    for (const s of stats) {
      if (s.variant.index === best || s.meets === false || s.metrics[minimize].est.mean !== bestMean) continue;
      ties.push({ index: s.variant.index, identical: sameRuns(runs, best, s.variant.index) });
    }
  }
  const close: { index: number; diff: Estimate }[] = [];
  if (best !== null && minimize !== null) {
    const mine = series(records, best, seeds, minimize);
    for (const s of stats) {
      if (s.variant.index === best || s.meets === false || ties.some((t) => t.index === s.variant.index)) continue;
      const diff = pairedDiff(mine, series(records, s.variant.index, seeds, minimize));
      if (diff.mean !== null && diff.low !== null && diff.n >= 2 && diff.low <= 0) close.push({ index: s.variant.index, diff });
    }
  }
  return {
    seeds: [...seeds],
    metrics: metricKeys,
    variants: stats,
    requirements: [...requirements],
    defaults,
    minimize,
    best,
    excludedByDefault,
    notes: [...notes],
    baseline: baseIndex,
    baselineChosen: baseline !== null,
    noDifference: noDifferenceOf(variants, runs, keys),
    ties,
    close,
  };
}

/** `fault missed in 3/20 seeds`, `warnings in 2/20 seeds`, or '' when no seed had a warning. */
export function warningFlag(s: VariantStats): string {
  const w = s.warnings;
  if (w.seeds === 0) return '';
  const parts: string[] = [];
  if (w.missedSeeds > 0) parts.push(`fault missed in ${w.missedSeeds}/${s.seedsRun} seeds`);
  if (w.seeds > w.missedSeeds) parts.push(`${w.missedSeeds > 0 ? 'other ' : ''}warnings in ${w.seeds}/${s.seedsRun} seeds`);
  return parts.join(', ');
}

export function comparisonCsv(axisColumns: readonly string[], cmp: Comparison): string {
  const header = ['variant', ...axisColumns, 'metric', 'n', 'mean', 'ci_low', 'ci_high', 'diff', 'diff_ci_low', 'diff_ci_high', 'pareto', 'meets_requirements', 'seeds_with_warnings', 'seeds_fault_missed', 'baseline'];
  const rows: string[][] = [];
  for (const s of cmp.variants) {
    for (const m of cmp.metrics) {
      const { est, diff } = s.metrics[m]!;
      rows.push([
        String(s.variant.index),
        ...s.variant.values,
        m,
        String(est.n),
        fmtNum(est.mean),
        fmtNum(est.low),
        fmtNum(est.high),
        fmtNum(diff.mean),
        fmtNum(diff.low),
        fmtNum(diff.high),
        s.pareto ? 'yes' : 'no',
        s.meets === null ? '' : s.meets ? 'yes' : 'no',
        String(s.warnings.seeds),
        String(s.warnings.missedSeeds),
        s.variant.index === cmp.baseline ? 'yes' : 'no',
      ]);
    }
  }
  return stringify([header, ...rows]);
}

/** `12.3 ± 0.4`, or `12.3` without an interval, or `-` without a value. */
export function pm(est: Estimate, digits = 4): string {
  if (est.mean === null) return '-';
  if (est.low === null || est.high === null) return fmtNum(est.mean, digits);
  const half = (est.high - est.low) / 2;
  return `${fmtNum(est.mean, digits)} ± ${fmtNum(half, 2)}`;
}

export function signed(est: Estimate, digits = 3): string {
  if (est.mean === null) return '-';
  const s = pm(est, digits);
  return est.mean > 0 ? `+${s}` : s;
}

/** What the default requirements ask, in words. */
function defaultsText(cmp: Comparison): string {
  const scope = cmp.defaults.some((d) => splitMetric(d.metric).scope === CHAIN_PREFIX) ? ' in any chainlet' : '';
  const words = cmp.defaults.map((d) => {
    const base = splitMetric(d.metric).base;
    return base === 'mid_load_kills' ? 'no mid-load kill' : base === 'faults_missed' ? 'no missed fault' : d.text;
  });
  return words.length === 0 ? '' : `${words.join(' and ')}${scope} in any seed (required by default; --require '${cmp.defaults[0]!.metric}<=x' allows some)`;
}

/** The recommendation, one line (or the reason there is none). */
export function recommendation(cmp: Comparison): string | null {
  if (cmp.requirements.length === 0 && cmp.minimize === null) return null;
  const reqs = cmp.requirements.map((r) => r.text).join(', ');
  const defaults = defaultsText(cmp);
  const excluded =
    cmp.excludedByDefault.length === 0
      ? ''
      : `; not ${cmp.excludedByDefault
          .slice(0, 3)
          .map((i) => {
            const s = cmp.variants[i]!;
            return `variant ${i} (${s.variant.label}: ${s.failing.filter((f) => cmp.defaults.some((d) => d.text === f)).map(defaultWhy(s)).join(', ')})`;
          })
          .join(', ')}${cmp.excludedByDefault.length > 3 ? ` or ${cmp.excludedByDefault.length - 3} more` : ''}, which ${cmp.minimize ? `have a lower ${cmp.minimize}` : 'come first'} but fail that`;
  if (cmp.best === null) {
    const base =
      cmp.requirements.length > 0
        ? `none of the ${cmp.variants.length} variants meets ${reqs} with 95 % confidence`
        : defaults
          ? `none of the ${cmp.variants.length} variants has ${defaults}`
          : `no variant has a value of ${cmp.minimize}`;
    return cmp.requirements.length > 0 && defaults ? `${base} together with ${defaults}` : base;
  }
  const s = cmp.variants[cmp.best]!;
  const parts = [`best: variant ${cmp.best} (${s.variant.label})`];
  if (cmp.minimize) {
    const mean = s.metrics[cmp.minimize].est.mean;
    const all = cmp.variants.length > 1 && cmp.variants.every((v) => v.metrics[cmp.minimize!].est.mean === mean) ? ` (the same in all ${cmp.variants.length} variants)` : '';
    parts.push(`lowest mean ${cmp.minimize} ${pm(s.metrics[cmp.minimize].est)}${all}${tiesText(cmp)}`);
    if (cmp.close.length > 0) parts.push(closeText(cmp));
  }
  else {
    const meeting = cmp.variants.filter((v) => v.meets !== false).length;
    if (meeting > 1) parts.push(`the first in grid order of the ${meeting} that meet the requirements`);
  }
  if (reqs) parts.push(`meets ${reqs} with 95 % confidence`);
  if (defaults) parts.push(`${defaults}${excluded}`);
  const flag = warningFlag(s);
  if (flag) parts.push(`note: ${flag}`);
  return parts.join('; ');
}

/** `3`, `1 and 6`, `1, 6 and 7`, `1, 6, 7 and 4 more`. */
function indexList(xs: readonly number[]): string {
  if (xs.length <= 1) return xs.join('');
  if (xs.length > 4) return `${xs.slice(0, 3).join(', ')} and ${xs.length - 3} more`;
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

/**
 * `not told apart from variant 2 (cost +0.12 ± 0.3, same seeds) by these 5 seeds: run more seeds, or
 * choose on another metric`: a lowest mean that a paired interval does not separate from the next.
 */
function closeText(cmp: Comparison): string {
  const shown = [...cmp.close].sort((a, b) => a.diff.mean! - b.diff.mean!).slice(0, 3);
  const list = shown.map((c) => `variant ${c.index} (${cmp.minimize} +${pm(c.diff)})`).join(', ');
  const more = cmp.close.length > shown.length ? ` and ${cmp.close.length - shown.length} more` : '';
  return `not told apart from ${list}${more} by these ${cmp.seeds.length} seeds (paired difference, 95 %): run more seeds, or choose on another metric`;
}

/**
 * `, tied with variant 3 (stop_traffic_threshold_seconds=120, …), every metric identical in every
 * seed: variant 0 is named only because it comes first in grid order`, or '' without a tie.
 */
function tiesText(cmp: Comparison): string {
  if (cmp.ties.length === 0 || cmp.best === null) return '';
  const same = cmp.ties.filter((t) => t.identical).map((t) => t.index);
  const equal = cmp.ties.filter((t) => !t.identical).map((t) => t.index);
  const variants = (xs: number[]) => `variant${xs.length > 1 ? 's' : ''} ${indexList(xs)}${cmp.ties.length === 1 ? ` (${cmp.variants[xs[0]!]!.variant.label})` : ''}`;
  const parts = [
    same.length > 0 ? `${variants(same)}, every metric identical in every seed` : '',
    equal.length > 0 ? `${variants(equal)}, the same mean ${cmp.minimize}` : '',
  ].filter(Boolean);
  return `, tied with ${parts.join('; and with ')}: variant ${cmp.best} is named only because it comes first in grid order`;
}

/**
 * `stop_traffic_threshold_seconds made no difference in these runs (every metric identical at 30
 * and 120 in every seed): nothing in the scenario exercised it (no fault that makes a replica fail
 * its checks?)`, with a guess at what was missing from the key's kind.
 */
export function noDifferenceText(n: NoDifference, axes: number): string {
  const values = n.values.length <= 2 ? n.values.join(' and ') : `${n.values.slice(0, -1).join(', ')} and ${n.values[n.values.length - 1]}`;
  const held = axes > 1 ? ', whatever the other keys' : '';
  const hint = /health_checks\.(stop_traffic|restart)_threshold|is_healthy/.test(n.key)
    ? 'no fault that makes a replica fail its checks?'
    : /autoscaling\./.test(n.key)
      ? 'did the load ever make the autoscaler act on it?'
      : /faults/.test(n.key)
        ? 'did the fault hit a replica?'
        : 'does the scenario ever reach it?';
  return `${n.name} made no difference in these runs (every metric identical at ${values} in every seed${held}): nothing in the scenario exercised it (${hint})`;
}

/** Why a variant fails a default requirement, in words with counts. */
function defaultWhy(s: VariantStats): (text: string) => string {
  return (text) => {
    const metric = text.replace(/\s*(>=|<=|>|<).*$/, '');
    const base = splitMetric(metric).base;
    if (base === 'mid_load_kills') return `${fmtNum(s.metrics[metric]?.est.mean ?? null, 3)} mid-load kills per run`;
    if (base === 'faults_missed') return `fault missed in ${s.warnings.missedSeeds}/${s.seedsRun} seeds`;
    return text;
  };
}

/** The baseline's label and how it was chosen, in words. */
export function baselineText(cmp: Comparison): string {
  const s = cmp.variants.find((v) => v.variant.index === cmp.baseline)!;
  return `${s.variant.label} (${cmp.baselineChosen ? '--baseline' : 'the first variant, by default; --baseline picks another'})`;
}

/** `1, 3, 5` or `1, 3, 5, … (12)`. */
function seedList(seeds: readonly number[]): string {
  return seeds.length <= 6 ? seeds.join(', ') : `${seeds.slice(0, 5).join(', ')}, … (${seeds.length})`;
}

/** Variants per block of the printed table, so a line stays under ~140 columns. */
const TABLE_BLOCK = 4;

/**
 * The printed table: a legend line per variant (label, Pareto front, requirements), then every
 * metric as a row with one column per variant: `mean ± CI half-width`, and for the others than the
 * baseline the paired difference `(Δ d ± h)`. Variants come in blocks of four columns.
 */
export function comparisonTable(cmp: Comparison): string {
  const out = [
    `${cmp.variants.length} variants × ${cmp.seeds.length} seeds (${cmp.seeds[0]}–${cmp.seeds[cmp.seeds.length - 1]}); mean ± 95 % CI half-width; Δ = paired difference to the baseline #${cmp.baseline} on the same seeds`,
    `baseline #${cmp.baseline}: ${baselineText(cmp)}`,
  ];
  const legendW = Math.max(...cmp.variants.map((s) => s.variant.label.length));
  for (const s of cmp.variants) {
    const marks = [
      cmp.baseline === s.variant.index ? 'BASELINE' : '',
      cmp.best === s.variant.index ? 'RECOMMENDED' : '',
      s.pareto ? 'Pareto front (cost, failed requests)' : '',
      s.meets === null ? '' : s.meets ? 'meets requirements' : `fails ${s.failing.join(', ')}`,
      warningFlag(s) ? `⚠ ${warningFlag(s)}` : '',
    ].filter(Boolean);
    out.push(`  #${s.variant.index}  ${s.variant.label.padEnd(legendW)}  ${marks.join(', ')}`.trimEnd());
  }
  for (let b = 0; b < cmp.variants.length; b += TABLE_BLOCK) {
    const block = cmp.variants.slice(b, b + TABLE_BLOCK);
    const header = ['metric', ...block.map((s) => `#${s.variant.index}${s.variant.index === cmp.baseline ? ' (baseline)' : ''}`)];
    const rows = cmp.metrics.map((m) => [
      m,
      ...block.map((s) => {
        const cell = pm(s.metrics[m].est);
        return s.variant.index === cmp.baseline || s.metrics[m].diff.mean === null ? cell : `${cell} (Δ ${signed(s.metrics[m].diff)})`;
      }),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
    out.push('', line(header), ...rows.map(line));
  }
  const warned = cmp.variants.filter((s) => s.warnings.seeds > 0);
  if (warned.length > 0) {
    out.push('', `Run warnings (${warned.length} of ${cmp.variants.length} variants; the texts are in runs.jsonl):`);
    for (const s of warned) {
      out.push(`  #${s.variant.index} ${s.variant.label}: ${warningFlag(s)}`);
      if (s.warnings.missedSeeds > 0) {
        out.push(`    a fault hit nothing in ${s.warnings.missedSeeds} of ${s.seedsRun} seeds: those runs did not test the setting, and their failed requests pull its mean down`);
      }
      for (const e of s.warnings.examples) out.push(`    seed${e.seeds.length > 1 ? 's' : ''} ${seedList(e.seeds)}: ${e.text}`);
    }
  }
  for (const n of cmp.notes) out.push('', `note: ${n}`);
  const axes = cmp.variants[0]?.variant.values.length ?? 0;
  for (const n of cmp.noDifference) out.push('', `note: ${noDifferenceText(n, axes)}`);
  const rec = recommendation(cmp);
  if (rec) out.push('', rec);
  return out.join('\n') + '\n';
}
