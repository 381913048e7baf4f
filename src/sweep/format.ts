/** Numbers in the sweep's files: integers exact, others to 8 significant digits; '' for null. */
export function fmtNum(x: number | null | undefined, digits = 8): string {
  if (x === null || x === undefined) return '';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0'; // also turns -0 into 0
  if (Number.isSafeInteger(x)) return String(x); // counts stay exact
  return String(Number(x.toPrecision(digits)));
}
