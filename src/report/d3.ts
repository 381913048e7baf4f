/**
 * The few d3 modules the report draws with. `import * as d3 from 'd3'` loads all thirty of d3's
 * packages (selections, transitions, geo, chromatic scales, ...); the report needs scales,
 * shapes, array helpers and number formats, and writes its axes itself (svg.ts).
 */
export { max, min, sum } from 'd3-array';
export { format } from 'd3-format';
export { scaleLinear, scaleLog, type ScaleContinuousNumeric, type ScaleLinear } from 'd3-scale';
export { area, curveStepAfter, line, stack, type SeriesPoint } from 'd3-shape';
