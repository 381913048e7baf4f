import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluateAssertion, ExpectSyntaxError, parseAssertion } from '../src/check/expect.js';
import type { Summary } from '../src/model/summary.js';

function summary(): Summary {
  return {
    scenario: 't',
    seed: 1,
    duration_s: 3600,
    platform: 'baseten-2025',
    requests: { arrived: 1000, succeeded: 990, failed: 10, in_flight_at_end: 0, retried_attempts: 3, by_status: { '500': 10 } },
    availability: 0.99,
    latency_s: { mean: 1, p50: 0.9, p90: 2, p95: 3, p99: 6.5, max: 9 },
    queue_wait_s: { mean: 0.1, p99: 1 },
    replicas: { created: 2, peak: 2, mean: 1.5, restarts: 1, cold_starts: 2, traffic_stops: 1 },
    health: {
      faults: [
        { kind: 'cuda_error', replica: 0, at: 600, traffic_stopped_at: 630, restarted_at: 660, preempted_at: null, routable_again_at: 700, failed_requests_before_stop: 10, restarts: 1 },
        { kind: 'hang', replica: 1, at: 1200, traffic_stopped_at: 1290, restarted_at: null, preempted_at: null, routable_again_at: null, failed_requests_before_stop: 0, restarts: 0 },
        { kind: 'crash', replica: 1, at: 2000, traffic_stopped_at: null, restarted_at: 2000, preempted_at: null, routable_again_at: 2040, failed_requests_before_stop: 0, restarts: 6 },
      ],
    },
    billing: { billed_minutes: 100, cost: 10.83, cost_per_1k_succeeded: 10.9, minutes_not_serving: 3, price_per_minute: 0.10833 },
    warnings: [],
  };
}

const check = (src: string) => evaluateAssertion(parseAssertion(src), summary());

function syntaxError(src: string): { message: string; offset: number } {
  try {
    parseAssertion(src);
  } catch (e) {
    if (e instanceof ExpectSyntaxError) return { message: e.message, offset: e.offset };
    throw e;
  }
  throw new Error(`no error for ${src}`);
}

describe('expect assertions', () => {
  it('availability >= 0.999 fails by 0.009 on 0.99', () => {
    expect(check('availability >= 0.999').failures).toEqual(['availability = 0.99, expected >= 0.999 (off by 0.009)']);
  });

  it('latency_s.p99 <= 10 holds', () => {
    expect(check('latency_s.p99 <= 10').failures).toEqual([]);
  });

  it('billing.cost <= 10 fails by 0.83', () => {
    expect(check('billing.cost <= 10').worst).toBeCloseTo(0.83);
  });

  it('health.faults[*].traffic_stopped_at - at <= 60 is checked for every fault; null fails', () => {
    expect(check('health.faults[*].traffic_stopped_at - at <= 60').failures).toEqual([
      'health.faults[1] (hang on replica 1 at 1200 s): health.faults[*].traffic_stopped_at - at = 90, expected <= 60 (off by 30)',
      'health.faults[2] (crash on replica 1 at 2000 s): health.faults[*].traffic_stopped_at - at <= 60: health.faults[2].traffic_stopped_at is null (write "?? value" to give a default)',
    ]);
  });

  it('health.faults[*].restarts <= 3 flags the crash loop (6 restarts after one fault)', () => {
    expect(check('health.faults[*].restarts <= 3').failures).toEqual(['health.faults[2] (crash on replica 1 at 2000 s): health.faults[*].restarts = 6, expected <= 3 (off by 3)']);
  });

  it('?? gives a default for a null metric', () => {
    expect(check('(health.faults[*].restarted_at ?? 0) - at <= 30s').failures).toHaveLength(1);
    expect(check('health.faults[*].restarted_at ?? 0 <= 3000').failures).toEqual([]);
  });

  it('durations with units are seconds: 1m = 60', () => {
    expect(check('health.faults[0].traffic_stopped_at - health.faults[0].at <= 0.5m').failures).toEqual([]);
  });

  it('arithmetic: failed / arrived < 0.005 fails', () => {
    expect(check('requests.failed / requests.arrived < 0.005').failures).toEqual([
      'requests.failed / requests.arrived = 0.01, expected < 0.005 (off by 0.005)',
    ]);
  });

  it("a chain's summary: chainlets.NAME.* per chainlet, [*] inside one, chain.*; a chainlet alone is a group", () => {
    const llm = { ...summary(), requests: { ...summary().requests, arrived: 3000 } };
    const chain = { ...summary(), chain: { entrypoint: 'RAG', billing: { billed_minutes: 250 } }, chainlets: { RAG: summary(), LLM: llm } } as unknown as Summary;
    const on = (src: string) => evaluateAssertion(parseAssertion(src), chain).failures;
    expect(on('chainlets.LLM.requests.arrived == 3 * chainlets.RAG.requests.arrived')).toEqual([]);
    expect(on('chain.billing.billed_minutes <= 200')).toEqual(['chain.billing.billed_minutes = 250, expected <= 200 (off by 50)']);
    expect(on('chainlets.LLM.health.faults[*].restarted_at - at <= 60')).toEqual(['chainlets.LLM.health.faults[1]: chainlets.LLM.health.faults[*].restarted_at - at <= 60: chainlets.LLM.health.faults[1].restarted_at is null (write "?? value" to give a default)']);
    expect(() => parseAssertion('chainlets.LLM >= 1')).toThrow(/"chainlets.LLM" is a group of metrics, not a number: one of scenario, /);
    expect(() => parseAssertion('chainlets >= 1')).toThrow('"chainlets" is a group of metrics, not a number: add a chainlet name, e.g. chainlets.LLM.replicas.restarts');
  });

  it('requests.by_status.503 is 0 when absent', () => {
    expect(check('requests.by_status.503 == 0').failures).toEqual([]);
    expect(check('requests.by_status.500 == 0').failures).toHaveLength(1);
  });

  it.each([
    ['availabilty >= 0.9', 'unknown metric "availabilty": metrics start with one of scenario, seed, duration_s, platform, requests, availability, latency_s, queue_wait_s, replicas, health, billing, warnings, chain, chainlets', 0],
    ['latency_s.p98 <= 1', 'unknown metric "latency_s.p98": latency_s has one of mean, p50, p90, p95, p99, max', 0],
    ['latency_s <= 1', '"latency_s" is a group of metrics, not a number: one of mean, p50, p90, p95, p99, max', 0],
    ['availability = 1', '"=" is not an operator: write "==" to compare', 13],
    ['availability', 'missing comparison: an assertion reads like "latency_s.p99 <= 5"', 12],
    ['availability >= ', 'expected a number, a metric or "(" but found the end', 16],
    ['platform == 1', '"platform" is text, not a number', 0],
    ['at <= 3', 'unknown metric "at": metrics start with one of scenario, seed, duration_s, platform, requests, availability, latency_s, queue_wait_s, replicas, health, billing, warnings, chain, chainlets', 0],
    ['latency_s.p99 <= 5 5', 'unexpected "5" after the assertion', 19],
    ['availability >= 0.9 $', 'unexpected character "$"', 20],
  ])('rejects %j: %s', (src, message, offset) => {
    expect(syntaxError(src)).toEqual({ message, offset });
  });

  it('never fails other than with ExpectSyntaxError at an offset inside the text, on any mix of tokens', () => {
    const token = fc.constantFrom('availability', 'latency_s', '.', 'p99', 'health', 'faults', '[*]', '[0]', 'at', 'requests', 'by_status', '503', '(', ')', '+', '-', '*', '/', '??', '<=', '>=', '==', '!=', '<', '>', '=', '5m', '0.9', '1e3', ' ', '$', 'x');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 12 }).map((t) => t.join('')), (src) => {
        try {
          const a = parseAssertion(src);
          const r = evaluateAssertion(a, summary());
          expect(Array.isArray(r.failures)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(ExpectSyntaxError);
          expect((e as ExpectSyntaxError).offset).toBeGreaterThanOrEqual(0);
          expect((e as ExpectSyntaxError).offset).toBeLessThanOrEqual(src.length);
        }
      }),
      { numRuns: 2000, seed: 5 },
    );
  });
});
