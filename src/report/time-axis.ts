/**
 * The shared time axis: one unit for the whole page (s, min, h or d, picked from the run's
 * span) and tick values that are round in that unit (every 6 h, not every 5 h).
 */
export interface TimeUnit {
  /** Seconds per unit. */
  seconds: number;
  label: string;
  /** Tick steps that read as round in this unit. */
  steps: number[];
}

const UNITS: TimeUnit[] = [
  { seconds: 1, label: 's', steps: [1, 2, 5, 10, 15, 30] },
  { seconds: 60, label: 'min', steps: [1, 2, 5, 10, 15, 30] },
  { seconds: 3600, label: 'h', steps: [1, 2, 3, 6, 12] },
  { seconds: 86400, label: 'd', steps: [1, 2, 7, 14, 28, 56, 112, 364] },
];

/** s up to 5 min, min up to 5 h, h up to 3 d, then d. */
export function timeUnitFor(span: number): TimeUnit {
  if (span <= 300) return UNITS[0]!;
  if (span <= 5 * 3600) return UNITS[1]!;
  if (span <= 3 * 86400) return UNITS[2]!;
  return UNITS[3]!;
}

/** Tick times (s) over [0, span]: the smallest round step giving at most `maxTicks` intervals. */
export function timeTicks(span: number, maxTicks = 12): { unit: TimeUnit; ticks: number[]; step: number } {
  const unit = timeUnitFor(span);
  const spanU = span / unit.seconds;
  let step = unit.steps.find((s) => spanU / s <= maxTicks);
  if (step === undefined) {
    // Beyond the table (a very long run in seconds, say): powers of ten times 1, 2, 5.
    const raw = spanU / maxTicks;
    const p = 10 ** Math.floor(Math.log10(raw));
    step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  }
  const ticks: number[] = [];
  for (let k = 0; k * step <= spanU + 1e-9; k++) ticks.push(k * step * unit.seconds);
  return { unit, ticks, step: step * unit.seconds };
}

/** A tick label in the axis unit: `30 min`, `6 h`, `2 d`. */
export function formatTick(t: number, unit: TimeUnit): string {
  const v = t / unit.seconds;
  const r = Math.round(v * 100) / 100;
  return `${r} ${unit.label}`;
}
