/**
 * The configuration a scenario gets for every key it leaves out, as a Config: read from the
 * schema's own defaults (one place), by loading a scenario that writes nothing but one traffic
 * process. Handy for tests: `defaultConfig()` plus a change.
 */
import type { Config, Platform } from '../model/config.js';
import { loadScenarioText } from './load.js';

const cache = new Map<Platform, string>();

export function defaultConfig(platform: Platform = 'baseten-2025'): Config {
  let json = cache.get(platform);
  if (json === undefined) {
    const c = loadScenarioText(`platform: ${platform}\ntraffic: [{ kind: constant, rate: 1 }]\n`, 'scenario.yaml').config;
    json = JSON.stringify({ ...c, traffic: [] });
    cache.set(platform, json);
  }
  // A fresh copy each call: tests change what they get.
  return JSON.parse(json) as Config;
}
