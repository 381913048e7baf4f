/**
 * `deployment.autoscaling` as the platform's API returns it (SPEC §13): pasted bare or inside its
 * wrapper (`{"autoscaling_settings": {...}}`), with `null` for "the platform default". The
 * document is edited in place before validation, so positions stay those of the user's file.
 * Inside the wrapper, a field deploysim does not model is a warning (the API grows); written
 * bare, an unknown key stays an error (a typo must not be ignored).
 */
import { isMap, isScalar, type YAMLMap } from 'yaml';
import { closest } from './suggest.js';
import type { Source } from './source.js';

/** The keys of `deployment.autoscaling` deploysim models. */
export const AUTOSCALING_KEYS = [
  'min_replica',
  'max_replica',
  'autoscaling_window',
  'scale_down_delay',
  'concurrency_target',
  'target_utilization_percentage',
  'max_scale_down_rate',
  'target_in_flight_tokens',
] as const;

const WRAPPER = 'autoscaling_settings';

function child(map: unknown, key: string): { map: YAMLMap; value: unknown } | null {
  if (!isMap(map)) return null;
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair ? { map, value: pair.value } : null;
}

/** Unwrap, drop nulls, and turn unmodelled API fields into warnings. Returns the warnings. */
export function normalizeAutoscaling(source: Source, file: string): string[] {
  const deployment = child(source.doc.contents, 'deployment');
  const auto = deployment && child(deployment.value, 'autoscaling');
  if (!auto || !isMap(auto.value)) return [];
  let node = auto.value as YAMLMap;
  let wrapped = false;
  const inner = child(node, WRAPPER);
  if (inner && node.items.length === 1 && isMap(inner.value)) {
    const pair = (deployment!.value as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === 'autoscaling')!;
    pair.value = inner.value;
    node = inner.value as YAMLMap;
    wrapped = true;
  }
  const warnings: string[] = [];
  node.items = node.items.filter((p) => {
    const key = isScalar(p.key) ? String(p.key.value) : '';
    if (isScalar(p.value) && p.value.value === null) return false; // the API's "platform default"
    if (wrapped && !(AUTOSCALING_KEYS as readonly string[]).includes(key)) {
      const pos = p.key && (p.key as { range?: [number] }).range ? source.lines.linePos((p.key as { range: [number] }).range[0]) : { line: 1, col: 1 };
      const near = closest(key, AUTOSCALING_KEYS);
      warnings.push(
        `${file}:${pos.line}:${pos.col} deployment.autoscaling.${key}: an autoscaling_settings field deploysim does not model; ignored` + (near ? ` (did you mean \`${near}\`?)` : ''),
      );
      return false;
    }
    return true;
  });
  return warnings;
}
