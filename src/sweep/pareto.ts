/**
 * The Pareto front of points to minimize in two coordinates (for us: mean cost, mean failed
 * requests). A point is on the front when no other point is at least as good in both and
 * strictly better in one. Equal points are all on the front (none dominates the other).
 * Points with a missing coordinate are never on it.
 */
export interface Point {
  x: number | null;
  y: number | null;
}

export function dominates(a: Point, b: Point): boolean {
  if (a.x === null || a.y === null || b.x === null || b.y === null) return false;
  return a.x <= b.x && a.y <= b.y && (a.x < b.x || a.y < b.y);
}

/** For each point, whether it is on the front. O(n²): a sweep has tens of variants, not millions. */
export function paretoFront(points: readonly Point[]): boolean[] {
  return points.map((p) => p.x !== null && p.y !== null && !points.some((q) => dominates(q, p)));
}
