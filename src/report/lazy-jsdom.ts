import { createRequire } from 'node:module';
import type { JSDOM as JSDOMType } from 'jsdom';

/**
 * jsdom takes ~0.8 s to import; load it on the first chart drawn, not at CLI start
 * (`deploysim --help`, `validate` and sweep workers never draw).
 */
const require = createRequire(import.meta.url);
let ctor: typeof JSDOMType | undefined;

export function newDocument(html: string): Document {
  ctor ??= (require('jsdom') as { JSDOM: typeof JSDOMType }).JSDOM;
  return new ctor(html).window.document;
}
