/**
 * A chain's report in headless Chromium (Debian's /usr/bin/chromium via playwright-core): the
 * call graph with a box per chainlet and its edges, each chainlet's charts, the overview, no
 * console or page errors, no network, and the hover rule on the one time axis through every
 * chainlet's charts. Screenshots land in reports/screenshots/ for a human to look at.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EventRow, RequestRow, TimelineRow } from '../src/model/summary.js';
import { CallCounter } from '../src/report/call-graph.js';
import { CHART_IDS, renderReport, type ReportInput } from '../src/report/render-report.js';
import { simulate } from '../src/run.js';
import { loadScenario } from '../src/scenario/load.js';
import { HAS_CHROMIUM, requireChromiumInCi, SCREENSHOTS, useBrowser } from './helpers/browser.js';

function simulatedChain(file: string, withCalls: boolean): ReportInput {
  const { config } = loadScenario(file);
  const timeline: TimelineRow[] = [];
  const events: EventRow[] = [];
  const counter = new CallCounter();
  const summary = simulate(config, {
    sample: (r) => timeline.push(r),
    event: (r) => events.push(r),
    request: withCalls ? (r: RequestRow) => counter.add(r.chainlet, r.parent, r.status) : undefined,
  });
  return { config, summary, timeline, events, calls: withCalls ? counter.edges() : null };
}

requireChromiumInCi();

describe.skipIf(!HAS_CHROMIUM)('a chain report in headless Chromium', () => {
  const getBrowser = useBrowser();

  for (const withCalls of [false, true]) {
    const name = `chain-rag-cascade${withCalls ? '-requests' : ''}`;
    it(`${name}: the call graph, every chainlet's charts, no errors, the hover rule through them all`, async () => {
      const input = simulatedChain('scenarios/chains/rag-cascade.yaml', withCalls);
      const chainlets = ['RAG', 'Embedder', 'LLM'];
      const file = join(SCREENSHOTS, `${name}.html`);
      writeFileSync(file, renderReport(input));
      const page = await getBrowser().newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(pathToFileURL(file).href);

      // The call graph: a visible box per chainlet, an edge per caller → callee with its count.
      const graph = page.locator('#call-graph');
      expect((await graph.boundingBox())!.width).toBeGreaterThan(500);
      expect(await page.locator('#call-graph g.cg-node').evaluateAll((els) => els.map((e) => e.getAttribute('data-chainlet')))).toEqual(chainlets);
      for (const c of chainlets) expect((await page.locator(`#call-graph g.cg-node[data-chainlet="${c}"]`).boundingBox())!.width).toBeGreaterThan(100);
      const edges = await page.locator('#call-graph g.edge').evaluateAll((els) => els.map((e) => [e.getAttribute('data-caller'), e.getAttribute('data-callee'), e.getAttribute('data-calls')]));
      const arrived = (c: string) => String((input.summary as unknown as { chainlets: Record<string, { requests: { arrived: number } }> }).chainlets[c]!.requests.arrived);
      expect(edges).toEqual([
        ['RAG', 'Embedder', arrived('Embedder')],
        ['RAG', 'LLM', arrived('LLM')],
      ]);
      expect(await page.locator('#call-graph .edge-label').count()).toBe(2);

      // The overview and each chainlet's five charts, full width.
      for (const id of ['chart-chain', ...chainlets.flatMap((c) => CHART_IDS.map((b) => `${b}-${c}`))]) {
        const box = await page.locator(`#${id}`).boundingBox();
        expect(box, id).not.toBeNull();
        expect(box!.width, id).toBeGreaterThan(500);
      }
      expect(await page.locator('#chart-chain g.chain-lane').count()).toBe(3);
      // LLM's fault is a rule in the overview and in RAG's and Embedder's charts (purple), its own marker in LLM's lanes.
      expect(await page.locator('#chart-chain .chain-fault-rules line').count()).toBe(1);
      for (const c of ['RAG', 'Embedder']) expect(await page.locator(`#chart-lanes-${c} .fault-rules-other line`).count(), c).toBe(1);
      expect(await page.locator('#chart-lanes-LLM g.marker[data-event="fault"]').count()).toBe(1);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
      await page.locator('#fig-call-graph').screenshot({ path: join(SCREENSHOTS, `${name}-call-graph.png`) });
      await page.locator('#fig-chart-chain').screenshot({ path: join(SCREENSHOTS, `${name}-overview.png`) });

      // Hover over RAG's traffic: the tooltip names RAG, the rule stands at one x in every chart of every chainlet.
      const tip = page.locator('#hover-tip');
      await page.locator('#chart-traffic-RAG').scrollIntoViewIfNeeded();
      const plot = (await page.locator('#chart-traffic-RAG g.plot').boundingBox())!;
      await page.mouse.move(plot.x + plot.width * 0.34, plot.y + 20);
      await expect.poll(() => tip.isVisible()).toBe(true);
      expect(await tip.textContent()).toMatch(/^RAGt = .*arrivals\/s/);
      const rules = await page.locator('.hover-rule').evaluateAll((els) => els.map((e) => [e.getAttribute('visibility'), e.getAttribute('x1')]));
      expect(rules).toHaveLength(1 + chainlets.length * CHART_IDS.length);
      for (const [vis, x1] of rules) {
        expect(vis).toBe('visible');
        expect(x1).toBe(rules[0]![1]);
      }
      // And over the overview: each chainlet's arrivals.
      await page.locator('#chart-chain').scrollIntoViewIfNeeded();
      const ov = (await page.locator('#chart-chain g.plot').boundingBox())!;
      await page.mouse.move(ov.x + ov.width * 0.34, ov.y + 40);
      await expect.poll(async () => (await tip.textContent()) ?? '').toMatch(/^every chainlett = .*RAG arrivals\/s.*Embedder arrivals\/s.*LLM arrivals\/s/);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-hover.png`) });
      await page.mouse.move(2, 2);
      await expect.poll(() => tip.isHidden()).toBe(true);

      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.close();
    });
  }
});
