/**
 * Which points of the explored box `deploysim check` runs, and in which order (docs/check.md):
 *
 *   1. the corners: every range at its low or high end, every choice (the product, low ends first);
 *   2. the edge midpoints: one range at its middle value, the others at a corner;
 *   3. stratified samples over what the budget leaves: a Latin hypercube, each dimension cut into
 *      as many equal strata as there are samples and each stratum used once (seeded).
 *
 * Why: failures hide at the edges of a box (the short load against the long threshold), and a
 * uniform draw of 1,000 points can miss a corner that is 1 % of each of two axes (1 in 10,000).
 * A point is an index per dimension (explore.ts `gridValue` turns it into a value), so points
 * compare exactly and repeats are dropped.
 */
import { stream } from '../engine/random.js';
import { gridSize, type Dimension } from './explore.js';

export type PointOrigin = 'corner' | 'edge midpoint' | 'stratified' | 'grid';

export interface PlannedPoint {
  origin: PointOrigin;
  /** Index per dimension into its grid (explore.ts gridValue). */
  index: number[];
}

export interface SamplePlan {
  points: PlannedPoint[];
  /** Corners and edge midpoints of the box, and how many of each the budget let in. */
  corners: { total: number; planned: number };
  midpoints: { total: number; planned: number };
  /** Stratified samples (or, when the whole grid fits in the budget, the rest of the grid). */
  stratified: number;
  /** true when the budget covered every point of the grid. */
  exhaustive: boolean;
}

/** The end indices of a dimension: both ends of a range, every choice. */
function cornerIndices(d: Dimension): number[] {
  if (d.kind === 'choice') return d.values.map((_, i) => i);
  const last = gridSize(d) - 1;
  return last === 0 ? [0] : [0, last];
}

/** The product of per-dimension index lists, the first dimension varying slowest; lazily, as a big box has millions of corners. */
function* product(lists: number[][], prefix: number[] = []): Generator<number[]> {
  if (prefix.length === lists.length) {
    yield prefix;
    return;
  }
  for (const k of lists[prefix.length]!) yield* product(lists, [...prefix, k]);
}

/** Every corner of the box, low ends first: [lo, lo], [lo, hi], [hi, lo], [hi, hi]. */
export function corners(dims: readonly Dimension[]): Generator<number[]> {
  return product(dims.map(cornerIndices));
}

/** Whether a range has an edge midpoint distinct from its ends. */
function hasMid(d: Dimension): boolean {
  return d.kind === 'range' && gridSize(d) >= 3;
}

/**
 * The midpoint of every edge: one range at its middle grid value (rounded down), the others at a
 * corner; by dimension, then corner order. A range with fewer than three values has no midpoint.
 */
export function* edgeMidpoints(dims: readonly Dimension[]): Generator<number[]> {
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i]!;
    if (!hasMid(d)) continue;
    const mid = Math.floor((gridSize(d) - 1) / 2);
    yield* product(dims.map((o, j) => (j === i ? [mid] : cornerIndices(o))));
  }
}

/**
 * n points of a Latin hypercube: dimension d is cut into n equal strata of its grid, and each
 * stratum holds exactly one of the n points (a seeded permutation per dimension pairs them up); the
 * point sits at a seeded place inside its stratum. With n larger than a dimension's grid, several
 * strata map to one grid value, each value still getting its share.
 */
export function latinHypercube(dims: readonly Dimension[], n: number, seed: number): number[][] {
  if (n <= 0) return [];
  const rng = stream(seed, 'check/stratified');
  const perms = dims.map(() => {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  });
  return Array.from({ length: n }, (_, i) =>
    dims.map((d, k) => {
      const size = gridSize(d);
      return Math.min(size - 1, Math.floor(((perms[k]![i]! + rng()) / n) * size));
    }),
  );
}

/** Number of points in the grid, capped (only compared with a budget). */
function gridCount(dims: readonly Dimension[], cap: number): number {
  let n = 1;
  for (const d of dims) n = Math.min(cap + 1, n * gridSize(d));
  return n;
}

/** All grid points, the first dimension varying slowest. */
function wholeGrid(dims: readonly Dimension[]): Generator<number[]> {
  return product(dims.map((d) => Array.from({ length: gridSize(d) }, (_, i) => i)));
}

/** The points a check of `runs` runs tries, in order: corners, edge midpoints, then stratified. */
export function planSamples(dims: readonly Dimension[], runs: number, seed: number): SamplePlan {
  const seen = new Set<string>();
  const points: PlannedPoint[] = [];
  const add = (origin: PointOrigin, index: number[]): boolean => {
    const key = index.join(',');
    if (seen.has(key) || points.length >= runs) return false;
    seen.add(key);
    points.push({ origin, index });
    return true;
  };
  // Corners are distinct, and a midpoint (never an end) is no corner: the totals are products.
  const cornerCount = dims.reduce((n, d) => n * cornerIndices(d).length, 1);
  const midCount = dims.reduce((n, d, i) => (hasMid(d) ? n + dims.reduce((m, o, j) => (j === i ? m : m * cornerIndices(o).length), 1) : n), 0);
  let plannedCorners = 0;
  for (const c of corners(dims)) {
    if (points.length >= runs) break;
    if (add('corner', c)) plannedCorners++;
  }
  let plannedMid = 0;
  for (const m of edgeMidpoints(dims)) {
    if (points.length >= runs) break;
    if (add('edge midpoint', m)) plannedMid++;
  }
  const left = runs - points.length;
  const exhaustive = gridCount(dims, runs) <= runs;
  let stratified = 0;
  if (exhaustive) {
    for (const p of wholeGrid(dims)) if (add('grid', p)) stratified++;
    // (the budget is at least the grid, so nothing is left out)
  } else {
    for (const p of latinHypercube(dims, left, seed)) if (add('stratified', p)) stratified++;
  }
  return {
    points,
    corners: { total: cornerCount, planned: plannedCorners },
    midpoints: { total: midCount, planned: plannedMid },
    stratified,
    exhaustive,
  };
}
