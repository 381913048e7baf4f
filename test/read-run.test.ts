/** output/read-run.ts: the one reader of a run folder, strict (check) and lenient (report). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvRecords, eachCsvRecord } from '../src/output/read-csv.js';
import { eachTimelineRow, eventRowsOf, openRunDir, requestRowsOf, RunDirError, timelineRowsOf } from '../src/output/read-run.js';
import { TIMELINE_COLUMNS } from '../src/model/summary.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploysim-read-run-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function records(pieces: string[]): [string[], number][] {
  const got: [string[], number][] = [];
  const r = new CsvRecords((cells, line) => got.push([cells, line]), 'x.csv');
  for (const p of pieces) r.push(p);
  r.end();
  return got;
}

describe('CsvRecords: records as text arrives in pieces', () => {
  it('a record ends at a newline outside quotes, wherever the pieces are cut', () => {
    const text = 'a,b\r\n"x,1","say ""hi""\nthere"\n\n3,4';
    const whole = records([text]);
    expect(whole).toEqual([
      [['a', 'b'], 1],
      [['x,1', 'say "hi"\nthere'], 2],
      [['3', '4'], 5],
    ]);
    for (let cut = 1; cut < text.length; cut++) expect(records([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(whole);
  });

  it('an unclosed quote is an error naming the file and the line it starts on', () => {
    expect(() => records(['a\n"open,\n1\n'])).toThrow('x.csv:2: a quoted field is never closed');
  });

  it('eachCsvRecord reads a file in 1 MB pieces: a quoted field and a multi-byte character across a piece boundary', () => {
    const file = path.join(dir, 'big.csv');
    const filler = `${'x'.repeat(99)}\n`;
    const head = 'c\n' + filler.repeat(Math.floor((1 << 20) / filler.length));
    const pad = 'y'.repeat((1 << 20) - Buffer.byteLength(head) - 2);
    // The é's two bytes are one piece's last and the next one's first, inside a quoted field that goes on past them.
    fs.writeFileSync(file, `${head}"${pad}é\n,""q"""\nlast`);
    const got: [string[], number][] = [];
    eachCsvRecord(file, (cells, line) => got.push([cells, line]));
    const n = got.length;
    expect(got[n - 2]).toEqual([[`${pad}é\n,"q"`], n - 1]);
    expect(got[n - 1]).toEqual([['last'], n + 1]);
  });
});

const TIMELINE_HEADER = TIMELINE_COLUMNS.join(',');
const row = (t: string) => [t, ...TIMELINE_COLUMNS.slice(1).map(() => '1')].join(',');

describe('strict (check): every column, every number, errors at file:line and column', () => {
  it('a timeline missing a column names it and the header', () => {
    expect(() => timelineRowsOf({ text: 't,arrivals\n10,1\n', name: 'timeline.csv' }, 'strict')).toThrow(/^timeline\.csv:1: missing column "succeeded" \(header: t,arrivals\)$/);
  });

  it('a cell that is not a number names its line and column', () => {
    const text = `${TIMELINE_HEADER}\n${row('10')}\n${row('ten')}\n`;
    expect(() => timelineRowsOf({ text, name: 'timeline.csv' }, 'strict')).toThrow('timeline.csv:3: column "t": not a number: "ten"');
    expect(() => requestRowsOf({ text: 'id,arrival,dispatched,replica,finished,status,attempts,latency\n1,0.5,,,,,x,\n', name: 'requests.csv' }, 'strict')).toThrow('requests.csv:2: column "attempts": not a number: "x"');
  });

  it('a row with more or fewer cells than the header is named', () => {
    expect(() => eventRowsOf({ text: 't,replica,event,from,to,detail\n1,0,state,,ready\n', name: 'events.csv' }, 'strict')).toThrow('events.csv:2: 5 cells, the header has 6');
  });

  it('events keep an event name the report does not draw (the checker judges it)', () => {
    const rows = eventRowsOf({ text: 't,replica,event,from,to,detail\n1,0,mystery,,,\n2,,scale_up,1,2,\n', name: 'events.csv' }, 'strict');
    expect(rows).toEqual([
      { t: 1, replica: 0, event: 'mystery', from: null, to: null, detail: '' },
      { t: 2, replica: null, event: 'scale_up', from: 1, to: 2, detail: '' },
    ]);
  });

  it('a folder without events.csv is not a run folder to check; without timeline.csv it is', () => {
    fs.mkdirSync(path.join(dir, 'no-events'));
    fs.writeFileSync(path.join(dir, 'no-events', 'summary.json'), '{}');
    expect(() => openRunDir(path.join(dir, 'no-events'), 'strict')).toThrow(RunDirError);
    expect(() => openRunDir(path.join(dir, 'no-events'), 'strict')).toThrow(/missing events\.csv/);
  });
});

describe('lenient (report): an older or hand-edited file still reads', () => {
  it('only t is required; a missing column reads as null, a cell that is not a number as null', () => {
    const rows: unknown[] = [];
    eachTimelineRow({ text: 't,replicas\n10,2\n20,two\n', name: 'timeline.csv' }, 'lenient', (r) => rows.push(r));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ t: 20, replicas: null, arrivals: null, cost: null });
    expect(() => timelineRowsOf({ text: 'replicas\n2\n', name: 'timeline.csv' }, 'lenient')).toThrow('timeline.csv:1: missing column "t"');
  });

  it('events the report does not know, or without a time, are left out', () => {
    const rows = eventRowsOf({ text: 't,replica,event,from,to\n1,0,mystery,,\n,0,state,,ready\n3,0,state,loading,ready\n', name: 'events.csv' }, 'lenient');
    expect(rows).toEqual([{ t: 3, replica: 0, event: 'state', from: 'loading', to: 'ready', detail: '' }]);
  });
});
