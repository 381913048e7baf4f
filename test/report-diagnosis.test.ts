/**
 * The report says why availability is low, in the same words as the CLI's diagnosis line
 * (a newcomer saw 68 % in red on the page with no reason, while the terminal had one).
 */
import { describe, expect, it } from 'vitest';
import type { Summary } from '../src/model/summary.js';
import { headerHtml } from '../src/report/header.js';
import { formatSummary } from '../src/cli/format-summary.js';

function summary(over: Partial<Summary>): Summary {
  return {
    scenario: 't',
    seed: 1,
    duration_s: 3600,
    platform: 'baseten-2025',
    requests: { arrived: 100, succeeded: 0, failed: 100, in_flight_at_end: 0, retried_attempts: 0, by_status: { '500': 100 } },
    availability: 0,
    latency_s: { mean: 1, p50: 1, p90: 1, p95: 1, p99: 1, max: 1 },
    queue_wait_s: { mean: 0, p99: 0 },
    // 12 restarts of 1 replica: ≥ 3 per replica is a crash loop.
    replicas: { created: 1, peak: 1, mean: 1, restarts: 12, cold_starts: 13, traffic_stops: 0 },
    health: { faults: [] },
    billing: { billed_minutes: 60, cost: 6.5, cost_per_1k_succeeded: null, minutes_not_serving: 60, price_per_minute: 0.10833 },
    warnings: [],
    ...over,
  };
}

describe('the report\'s diagnosis line', () => {
  it('a crash loop: the page and the CLI give the same reason', () => {
    const s = summary({});
    const html = headerHtml(null, s);
    const line = /<p class="diagnosis" id="diagnosis">([^<]*)<\/p>/.exec(html)?.[1];
    expect(line).toBe('availability 0.0 %: a crash loop (12 restarts of 1 replica); check the restart causes in events.csv and the load time against the restart or startup threshold');
    expect(formatSummary(s, 'out')).toContain(`  diagnosis     ${line}`);
  });

  it('none when availability is fine (≥ 95 %)', () => {
    const s = summary({ availability: 0.999, requests: { arrived: 1000, succeeded: 999, failed: 1, in_flight_at_end: 0, retried_attempts: 0, by_status: { '500': 1 } }, replicas: { created: 1, peak: 1, mean: 1, restarts: 0, cold_starts: 1, traffic_stops: 0 } });
    expect(headerHtml(null, s)).not.toContain('class="diagnosis"');
  });

  it('the CLI prints the scenario\'s warnings once: before the run, then only a count of them beside the run\'s own', () => {
    const s = summary({ warnings: ['scenario.yaml:3:5 a lint', 'fault crash at 1200 s: replica 3 does not exist at that time; nothing happened'] });
    const text = formatSummary(s, 'out', 1);
    expect(text).not.toContain('a lint');
    expect(text).toContain('  warnings      1 about the scenario, printed above\n  warning       fault crash at 1200 s');
    expect(formatSummary(s, 'out')).toContain('  warning       scenario.yaml:3:5 a lint');
  });
});
