/**
 * The first lines of a run's logs.txt, for the report: what a user can hold next to their real
 * logs (SPEC §13). Read back from the file (bounded), so `run` and `report <dir>` show the same.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { grouped } from '../text/human.js';
import { escapeHtml } from './format.js';

export const LOG_HEAD_LINES = 15;

export interface LogHead {
  lines: string[];
  /** Lines in the whole file. */
  total: number;
}

/** The first `n` lines and the line count, reading the file in 1 MB chunks; null when there is no logs.txt. */
export function readLogHead(file: string, n = LOG_HEAD_LINES): LogHead | null {
  if (!existsSync(file)) return null;
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let head = '';
  let total = 0;
  let last = 10; // a final line without a newline still counts
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      for (let i = 0; i < got; i++) if (buf[i] === 10) total++;
      last = buf[got - 1]!;
      if (head.split('\n').length <= n) head += buf.toString('utf8', 0, got);
    }
  } finally {
    closeSync(fd);
  }
  if (last !== 10) total++;
  return { lines: head.split('\n').filter((l) => l !== '').slice(0, n), total };
}

export function logHeadHtml(head: LogHead | null | undefined): string {
  if (!head || head.total === 0) return '';
  const more = head.total > head.lines.length ? ` (the first ${head.lines.length} of ${grouped(head.total)} lines)` : '';
  return `<section class="log-head"><h2>logs.txt${more}</h2><pre>${head.lines.map(escapeHtml).join('\n')}</pre></section>`;
}
