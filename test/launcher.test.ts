/**
 * bin/deploysim.js as a user starts it: the CommonJS bundle run from the V8 code cache the build
 * saved (src/scripts/bundle.ts), including the sweep, whose pool (tinypool, an ES module) the
 * bundle imports through the launcher. `npm test` builds first, so dist/bundle/ is current.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deploysim-launcher-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const bin = path.resolve('bin/deploysim.js');

function deploysim(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, DEPLOYSIM_CODE_CACHE_DEBUG: '1' } });
}

describe('the launcher', () => {
  it('runs a scenario from the code cache the build saved, which V8 accepts', () => {
    expect(fs.existsSync(path.resolve('dist/bundle/deploysim.cjs.cache'))).toBe(true);
    const r = deploysim(['run', path.resolve('scenarios/steady-warm.yaml'), '--duration', '2m', '--out', 'run']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('code cache: used');
    expect(fs.existsSync(path.join(root, 'run', 'report.html'))).toBe(true);
  });

  it('runs a sweep on its worker pool (an ES module imported from the cached bundle)', () => {
    const r = deploysim([
      'sweep',
      path.resolve('scenarios/steady-warm.yaml'),
      '--vary',
      'deployment.autoscaling.scale_down_delay=60s,120s',
      '--seeds',
      '1',
      '--out',
      'sweep',
    ]);
    expect(r.stderr).toContain('code cache: used');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(root, 'sweep', 'comparison.csv'), 'utf8').split('\n').length).toBeGreaterThan(2);
  });

  it('exits 2 with the positioned error on bad input, as the in-process CLI does', () => {
    fs.writeFileSync(path.join(root, 'bad.yaml'), 'traffic:\n  - { kind: poisson, rate: -1 }\n');
    const r = deploysim(['run', 'bad.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:2:\d+ traffic\.0\.rate: found -1/);
  });
});
