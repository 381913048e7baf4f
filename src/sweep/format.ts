/** Numbers in the sweep's files: 8 significant digits, no exponent for ordinary magnitudes, '' for null. */
export function fmtNum(x: number | null | undefined, digits = 8): string {
  if (x === null || x === undefined) return '';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0'; // also turns -0 into 0
  return String(Number(x.toPrecision(digits)));
}
