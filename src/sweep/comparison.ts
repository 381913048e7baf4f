/**
 * Per-variant statistics over seeds: mean and 95 % interval of every metric, the paired
 * difference to the baseline (variant 0) on the same seeds, the cost / failed-requests Pareto
 * front and the requirement check. Written as comparison.csv (one row per variant and metric)
 * and printed as a table.
 */
import { stringify } from 'csv-stringify/sync';
import type { Variant } from './grid.js';
import type { RunRecord } from './journal.js';
import { METRICS, type MetricName } from './metrics.js';
import { paretoFront } from './pareto.js';
import { meets, type Requirement } from './requirements.js';
import { meanCi, pairedDiff, type Estimate } from './stats.js';
import { fmtNum } from './format.js';

export interface MetricStats {
  est: Estimate;
  /** Paired difference variant − baseline over the seeds where both have a value. */
  diff: Estimate;
}

export interface VariantStats {
  variant: Variant;
  metrics: Record<MetricName, MetricStats>;
  pareto: boolean;
  /** Every requirement met with confidence; null when there are no requirements. */
  meets: boolean | null;
}

export interface Comparison {
  seeds: number[];
  variants: VariantStats[];
  requirements: Requirement[];
  minimize: MetricName | null;
  /** Index of the recommended variant, or null (none meets the requirements, or nothing asked). */
  best: number | null;
}

/** Values of one metric per seed, aligned with `seeds` (null where missing). */
function series(records: readonly RunRecord[], variant: number, seeds: readonly number[], metric: MetricName): (number | null)[] {
  const bySeed = new Map<number, number | null>();
  for (const r of records) if (r.variant === variant) bySeed.set(r.seed, r.metrics[metric]);
  return seeds.map((s) => bySeed.get(s) ?? null);
}

export function compareVariants(
  variants: readonly Variant[],
  seeds: readonly number[],
  records: readonly RunRecord[],
  requirements: readonly Requirement[] = [],
  minimize: MetricName | null = null,
): Comparison {
  const stats: VariantStats[] = variants.map((variant) => {
    const metrics = {} as Record<MetricName, MetricStats>;
    for (const m of METRICS) {
      const base = series(records, 0, seeds, m);
      const mine = series(records, variant.index, seeds, m);
      metrics[m] = { est: meanCi(mine.filter((x): x is number => x !== null)), diff: pairedDiff(base, mine) };
    }
    return { variant, metrics, pareto: false, meets: null };
  });
  const front = paretoFront(stats.map((s) => ({ x: s.metrics.cost.est.mean, y: s.metrics.failed_requests.est.mean })));
  stats.forEach((s, i) => {
    s.pareto = front[i]!;
    if (requirements.length > 0) s.meets = requirements.every((r) => meets(r, s.metrics[r.metric].est));
  });

  let best: number | null = null;
  if (requirements.length > 0 || minimize !== null) {
    for (const s of stats) {
      if (s.meets === false) continue;
      if (minimize === null) {
        best = s.variant.index; // requirements only: the first variant (grid order) that meets them
        break;
      }
      const v = s.metrics[minimize].est.mean;
      if (v === null) continue;
      const cur = best === null ? null : stats[best]!.metrics[minimize].est.mean;
      if (cur === null || v < cur) best = s.variant.index; // ties keep the earlier variant
    }
  }
  return { seeds: [...seeds], variants: stats, requirements: [...requirements], minimize, best };
}

export function comparisonCsv(axisColumns: readonly string[], cmp: Comparison): string {
  const header = ['variant', ...axisColumns, 'metric', 'n', 'mean', 'ci_low', 'ci_high', 'diff', 'diff_ci_low', 'diff_ci_high', 'pareto', 'meets_requirements'];
  const rows: string[][] = [];
  for (const s of cmp.variants) {
    for (const m of METRICS) {
      const { est, diff } = s.metrics[m];
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

function signed(est: Estimate, digits = 3): string {
  if (est.mean === null) return '-';
  const s = pm(est, digits);
  return est.mean > 0 ? `+${s}` : s;
}

/** The recommendation, one line (or the reason there is none). */
export function recommendation(cmp: Comparison): string | null {
  if (cmp.requirements.length === 0 && cmp.minimize === null) return null;
  const reqs = cmp.requirements.map((r) => r.text).join(', ');
  if (cmp.best === null) {
    return cmp.requirements.length > 0
      ? `none of the ${cmp.variants.length} variants meets ${reqs} with 95 % confidence`
      : `no variant has a value of ${cmp.minimize}`;
  }
  const s = cmp.variants[cmp.best]!;
  const parts = [`best: variant ${cmp.best} (${s.variant.label})`];
  if (cmp.minimize) parts.push(`lowest mean ${cmp.minimize} ${pm(s.metrics[cmp.minimize].est)}`);
  if (reqs) parts.push(`meets ${reqs} with 95 % confidence`);
  return parts.join('; ');
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
    `${cmp.variants.length} variants × ${cmp.seeds.length} seeds (${cmp.seeds[0]}–${cmp.seeds[cmp.seeds.length - 1]}); mean ± 95 % CI half-width; Δ = paired difference to #0 on the same seeds`,
  ];
  const legendW = Math.max(...cmp.variants.map((s) => s.variant.label.length));
  for (const s of cmp.variants) {
    const marks = [s.pareto ? 'Pareto front (cost, failed requests)' : '', s.meets === null ? '' : s.meets ? 'meets requirements' : 'fails requirements'].filter(Boolean);
    out.push(`  #${s.variant.index}  ${s.variant.label.padEnd(legendW)}  ${marks.join(', ')}`.trimEnd());
  }
  for (let b = 0; b < cmp.variants.length; b += TABLE_BLOCK) {
    const block = cmp.variants.slice(b, b + TABLE_BLOCK);
    const header = ['metric', ...block.map((s) => `#${s.variant.index}`)];
    const rows = METRICS.map((m) => [
      m,
      ...block.map((s) => {
        const cell = pm(s.metrics[m].est);
        return s.variant.index === 0 || s.metrics[m].diff.mean === null ? cell : `${cell} (Δ ${signed(s.metrics[m].diff)})`;
      }),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
    out.push('', line(header), ...rows.map(line));
  }
  const rec = recommendation(cmp);
  if (rec) out.push('', rec);
  return out.join('\n') + '\n';
}
