/** "Did you mean": the closest candidate by edit distance, when it is close enough to be a typo. */
import { grouped } from '../text/human.js';

/**
 * Longest word that gets a suggestion: a typo of a key or kind is short, and the distance table
 * is word × candidate (a 1,000,000-character value would allocate gigabytes).
 */
export const MAX_SUGGEST_LENGTH = 64;

/** Text for a message, cut at 60 characters: `aaaa… (1,000,000 characters)`. */
export function clipText(s: string, max = 60): string {
  if (s.length <= max) return s;
  return `${s.slice(0, max - 3)}… (${grouped(s.length)} characters)`;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate nearest to `word` (case-insensitive), or null when none is within a third of
 * the word's length (at least 2 edits allowed): `scale_down_dela` → `scale_down_delay`,
 * `max_replicas` → `max_replica`, but `foo` suggests nothing among long keys. A candidate that
 * contains the word or is contained in it (`delay` → `scale_down_delay`) also counts.
 */
export function closest(word: string, candidates: readonly string[]): string | null {
  if (word.length > MAX_SUGGEST_LENGTH) return null;
  const w = word.toLowerCase();
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best !== null && bestD <= Math.max(2, Math.floor(w.length / 3))) return best;
  if (w.length >= 4) {
    const sub = candidates.filter((c) => c.toLowerCase().includes(w) || w.includes(c.toLowerCase()));
    if (sub.length === 1) return sub[0]!;
  }
  return null;
}
