/**
 * The sweep's messages with the real scenario loader: a --vary value is reported as `--vary`
 * (not `--set`), an error that does not depend on the value once, and a misspelt --require or
 * --minimize metric gets a "did you mean".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandGrid, parseVary } from '../src/sweep/grid.js';
import { checkMetricNames, parseMinimize, parseRequirement } from '../src/sweep/requirements.js';
import { defaultLoader } from '../src/sweep/simulator.js';
import { validateVariants } from '../src/sweep/sweep.js';
import { cli } from './helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'sweep-messages-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const STICKY = 'test/fixtures/sweep/sticky-fault.yaml';
const TOP_KEYS = 'name, description, seed, duration, platform, deployment, traffic, request, faults, assumptions, output, chain, explore, expect';

const validate = (file: string, ...vary: string[]) => validateVariants(expandGrid(parseVary(vary), file), defaultLoader, 1);

describe('sweep --vary problems are labelled --vary', () => {
  it('an unknown key is reported once, under --vary key.path, naming the unknown key', async () => {
    const { errors } = await validate(STICKY, 'foo.bar=1,2');
    expect(errors).toEqual([`--vary foo.bar: found an unknown key \`foo\`, allowed ${TOP_KEYS}`]);
  });

  it('a misspelt last key is reported once, with its suggestion', async () => {
    const { errors } = await validate(STICKY, 'deployment.autoscaling.scale_down_dely=60,900');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^--vary deployment\.autoscaling\.scale_down_dely: found an unknown key, allowed .*\(did you mean `scale_down_delay`\?\)$/);
  });

  it('a bad value is reported under --vary key.path=value, once per bad value', async () => {
    const { errors } = await validate(STICKY, 'deployment.runtime.health_checks.stop_traffic_threshold_seconds=5,60,7');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^--vary deployment\.runtime\.health_checks\.stop_traffic_threshold_seconds=5: found 5, allowed /);
    expect(errors[1]).toMatch(/^--vary deployment\.runtime\.health_checks\.stop_traffic_threshold_seconds=7: found 7, allowed /);
  });

  it('a warning about a varied value is labelled --vary key.path=value', async () => {
    const file = join(root, 'delay-2026.yaml');
    writeFileSync(file, 'platform: baseten-2026\ntraffic:\n  - { kind: poisson, rate: 1 }\n');
    const { errors, warnings } = await validate(file, 'deployment.runtime.health_checks.restart_check_delay_seconds=600,0');
    expect(errors).toEqual([]);
    const delay = warnings.filter((w) => w.includes('restart_check_delay_seconds'));
    expect(delay).toHaveLength(1);
    expect(delay[0]).toMatch(/^--vary deployment\.runtime\.health_checks\.restart_check_delay_seconds=600: found 600, deprecated under baseten-2026/);
  });

  it('deploysim sweep --vary foo.bar=1,2 prints the one error and exits 2', async () => {
    const r = await cli('sweep', STICKY, '--vary', 'foo.bar=1,2', '--seeds', '1', '--workers', '1', '--out', join(root, 'unknown'));
    expect(r.code).toBe(2);
    expect(r.err).toBe(`--vary foo.bar: found an unknown key \`foo\`, allowed ${TOP_KEYS}`);
  });
});

describe('--require and --minimize suggest the metric meant', () => {
  it.each([
    ['availabilty>=0.9', 'availability'],
    ['chain.cots<=1', 'chain.cost'],
    ['LLM.availabilty>=0.9', 'LLM.availability'],
  ])('--require %s: did you mean `%s`?', (text, near) => {
    expect(() => parseRequirement(text)).toThrow(new RegExp(`^--require ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: found metric .*, allowed .*\\(did you mean \`${near.replace('.', '\\.')}\`\\?\\)$`));
  });

  it('--minimize cots: did you mean `cost`?', () => {
    expect(() => parseMinimize('cots')).toThrow(/^--minimize cots: found cots, allowed .*\(did you mean `cost`\?\)$/);
  });

  it('a chainlet name misspelt is suggested from the scenario\'s chainlets', () => {
    expect(checkMetricNames(['LMM.availability>=0.9'], null, ['Embed', 'LLM'])).toEqual([
      expect.stringMatching(/^--require LMM\.availability>=0\.9: found metric LMM\.availability, allowed .*\(did you mean `LLM\.availability`\?\)$/),
    ]);
  });

  it('a name far from every metric gets no suggestion', () => {
    expect(() => parseRequirement('zzz>=1')).toThrow(/allowed [^(]*; in a chain also chain\.<[^>]*> and <chainlet>\.<any of the first>$/);
  });
});
