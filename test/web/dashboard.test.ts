// The dashboard through the real app (supertest, dev IdP sign-in): filters parsed from the URL
// (bad values → 422 with the message on the page), the kind filter, the date range in the
// viewer's zone, and keyset paging both ways with exact ids. Executions are inserted straight
// into the database (known ids, kinds, statuses and dates; no runs needed).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { createSample, type SampleIds } from '../api/support/catalog.js';
import { startTestControlPlane, type TestControlPlane } from '../api/support/control-plane.js';
import { ManualClock } from '../api/support/manual-clock.js';
import { signIn, type SignedIn } from '../api/support/sign-in.js';
import { UNUSED_DESTINATION_URL } from '../authz/support/world.js';

let cp: TestControlPlane;
let operator: SignedIn;
let viewer: SignedIn;
let nightly: SampleIds;
let hidden: SampleIds;

interface Inserted {
  id: number;
  i: number;
  status: 'succeeded' | 'failed';
  kind: 'scheduled' | 'manual' | 'ad-hoc';
  createdAt: Date;
  visible: boolean;
}
const inserted: Inserted[] = [];
/** Visible to the operator, newest first (the dashboard's order). */
const visible = (keep: (e: Inserted) => boolean = () => true) => inserted.filter((e) => e.visible && keep(e)).map((e) => e.id).sort((a, b) => b - a);

const START = Date.parse('2026-05-01T00:00:00Z');
const HOUR = 3_600_000;

beforeAll(async () => {
  cp = await startTestControlPlane('web_dashboard', { local: { clock: new ManualClock(new Date('2026-06-01T12:00:00Z')) } });
  const admin = await signIn(cp.url, 'admin');
  nightly = await createSample(admin, UNUSED_DESTINATION_URL, { name: 'Nightly', table: 'nightly' });
  hidden = await createSample(admin, UNUSED_DESTINATION_URL, { name: 'Hidden', table: 'hidden', grantDevUsers: false });
  operator = await signIn(cp.url, 'operator');
  viewer = await signIn(cp.url, 'viewer');
  // 130 runs an hour apart from 2026-05-01 00:00 UTC: every 13th in the hidden world; kinds and
  // statuses in fixed patterns.
  const client = new pg.Client({ connectionString: cp.databaseUrl });
  await client.connect();
  try {
    for (let i = 1; i <= 130; i++) {
      const world = i % 13 === 0 ? hidden : nightly;
      const kind = i % 4 === 0 ? 'manual' : i % 4 === 1 ? 'ad-hoc' : 'scheduled';
      const status = i % 3 === 0 ? 'failed' : 'succeeded';
      const createdAt = new Date(START + i * HOUR);
      const params = kind === 'ad-hoc' ? { source: 'x' } : { schedule: world === hidden ? 'Hidden' : 'Nightly' };
      const res = await client.query<{ id: number }>(
        `INSERT INTO executions (schedule_id, source_id, script_id, destination_id, trigger, triggered_by, status, scheduled_for, started_at, finished_at, rows_read, rows_written, params, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $9, $10) RETURNING id`,
        [kind === 'ad-hoc' ? null : world.scheduleId, world.sourceId, world.scriptId, world.destinationId, kind === 'scheduled' ? 'scheduled' : 'manual',
          kind === 'scheduled' ? 'scheduler' : 'operator@example.com', status, kind === 'scheduled' ? createdAt : null, createdAt,
          new Date(createdAt.getTime() + 90_000), i, JSON.stringify(params)],
      );
      inserted.push({ id: res.rows[0]!.id, i, status, kind, createdAt, visible: world === nightly });
    }
  } finally {
    await client.end();
  }
}, 90_000);

afterAll(async () => {
  await cp?.stop();
});

interface Row {
  id: number;
  cells: string[];
}

const text = (html: string) => html.replace(/<[^>]*>/g, '').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').trim();

function rowsOf(html: string): Row[] {
  return [...html.matchAll(/<tr data-id="(\d+)"[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => ({
    id: Number(m[1]),
    cells: [...m[2]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => text(c[1]!)),
  }));
}
const idsOf = (html: string) => rowsOf(html).map((r) => r.id);
const link = (html: string, id: string) => {
  const href = new RegExp(`<a class="page-link" id="${id}" href="([^"]+)"`).exec(html)?.[1];
  return href === undefined ? null : href.replace(/&amp;/g, '&');
};

async function page(who: SignedIn, url: string, zone?: string): Promise<{ status: number; html: string }> {
  const req = who.agent.get(url);
  if (zone) req.set('Cookie', `tz=${encodeURIComponent(zone)}`);
  const res = await req;
  return { status: res.status, html: res.text };
}

describe('keyset paging', () => {
  test('Older walks the history 50 at a time and Newer walks back to exactly the same pages', async () => {
    const all = visible();
    expect(all).toHaveLength(120); // 130 inserted, 10 hidden
    const first = await page(operator, '/');
    expect(first.status).toBe(200);
    expect(idsOf(first.html)).toEqual(all.slice(0, 50));
    expect(link(first.html, 'newer')).toBeNull();
    expect(link(first.html, 'older')).toBe(`/?before=${all[49]}`);

    const second = await page(operator, link(first.html, 'older')!);
    expect(idsOf(second.html)).toEqual(all.slice(50, 100));
    expect(link(second.html, 'newer')).toBe(`/?after=${all[50]}`);
    expect(link(second.html, 'older')).toBe(`/?before=${all[99]}`);

    const third = await page(operator, link(second.html, 'older')!);
    expect(idsOf(third.html)).toEqual(all.slice(100));
    expect(link(third.html, 'older')).toBeNull();
    expect(link(third.html, 'newer')).toBe(`/?after=${all[100]}`);
    expect(link(third.html, 'newest')).toBe('/');

    const backToSecond = await page(operator, link(third.html, 'newer')!);
    expect(idsOf(backToSecond.html)).toEqual(all.slice(50, 100));
    const backToFirst = await page(operator, link(backToSecond.html, 'newer')!);
    expect(idsOf(backToFirst.html)).toEqual(all.slice(0, 50));
    expect(link(backToFirst.html, 'newer')).toBeNull();
    expect(link(backToFirst.html, 'older')).toBe(`/?before=${all[49]}`);
  });

  test('paging keeps the filters in the URL', async () => {
    const failedScheduled = visible((e) => e.status === 'failed' && e.kind === 'scheduled');
    expect(failedScheduled).toHaveLength(20);
    const url = `/?status=failed&scheduleId=${nightly.scheduleId}&kind=scheduled`;
    const first = await page(operator, url);
    expect(idsOf(first.html)).toEqual(failedScheduled);
    expect(link(first.html, 'older')).toBeNull();

    const failed = visible((e) => e.status === 'failed');
    expect(failed).toHaveLength(40);
    const a = await page(operator, '/?status=failed&kind=');
    expect(idsOf(a.html)).toEqual(failed);
    // Everything on one page: no paging links, and the form shows the filter back.
    expect(link(a.html, 'older')).toBeNull();
    expect(a.html).toContain('<option value="failed" selected>failed</option>');

    const succeeded = visible((e) => e.status === 'succeeded');
    expect(succeeded).toHaveLength(80);
    const s1 = await page(operator, '/?status=succeeded');
    expect(idsOf(s1.html)).toEqual(succeeded.slice(0, 50));
    expect(link(s1.html, 'older')).toBe(`/?status=succeeded&before=${succeeded[49]}`);
    const s2 = await page(operator, link(s1.html, 'older')!);
    expect(idsOf(s2.html)).toEqual(succeeded.slice(50));
    expect(link(s2.html, 'older')).toBeNull();
    expect(link(s2.html, 'newer')).toBe(`/?status=succeeded&after=${succeeded[50]}`);
    const s1again = await page(operator, link(s2.html, 'newer')!);
    expect(idsOf(s1again.html)).toEqual(succeeded.slice(0, 50));
  });
});

describe('filters', () => {
  test('the kind filter tells scheduled, manual ("run now" of a schedule) and ad-hoc runs apart', async () => {
    for (const kind of ['scheduled', 'manual', 'ad-hoc'] as const) {
      const res = await page(operator, `/?kind=${kind}`);
      expect(res.status).toBe(200);
      const expected = visible((e) => e.kind === kind).slice(0, 50);
      expect(idsOf(res.html)).toEqual(expected);
      expect(new Set(rowsOf(res.html).map((r) => r.cells[3]))).toEqual(new Set([kind]));
    }
    expect(visible((e) => e.kind === 'ad-hoc')).toHaveLength(30);
    const adHoc = rowsOf((await page(operator, '/?kind=ad-hoc')).html)[0]!;
    const newestAdHoc = inserted.find((e) => e.id === adHoc.id)!;
    // #, status, schedule, trigger, who, scheduled for, started, finished, duration, rows
    expect(adHoc.cells).toEqual([
      String(newestAdHoc.id), newestAdHoc.status, 'ad hoc', 'ad-hoc', 'operator@example.com', '—',
      '2026-05-06 09:00:00 (UTC+00:00)', '2026-05-06 09:01:30 (UTC+00:00)', '1 min 30 s', String(newestAdHoc.i),
    ]);
  });

  test('times and the date range are in the viewer\'s zone (tz cookie), with the zone shown', async () => {
    // 2026-05-02 in São Paulo = [2026-05-02 03:00Z, 2026-05-03 03:00Z): runs i = 27 … 50.
    const day = visible((e) => e.createdAt.getTime() >= Date.parse('2026-05-02T03:00:00Z') && e.createdAt.getTime() < Date.parse('2026-05-03T03:00:00Z'));
    expect(day).toHaveLength(23); // 24 hours, i = 39 hidden
    const res = await page(operator, '/?from=2026-05-02&to=2026-05-02', 'America/Sao_Paulo');
    expect(res.status).toBe(200);
    expect(idsOf(res.html)).toEqual(day);
    const newest = rowsOf(res.html)[0]!;
    expect(newest.cells.slice(5, 8)).toEqual(['2026-05-02 23:00:00 (UTC-03:00)', '2026-05-02 23:00:00 (UTC-03:00)', '2026-05-02 23:01:30 (UTC-03:00)']);
    expect(res.html).toContain('Times in America/Sao_Paulo');
    expect(res.html).toContain('<label class="form-label small mb-0" for="from">From (America/Sao_Paulo)</label>');
    // In UTC the same dates select other runs: i = 24 … 47.
    const utc = await page(operator, '/?from=2026-05-02&to=2026-05-02');
    expect(idsOf(utc.html)).toEqual(visible((e) => e.i >= 24 && e.i <= 47));
    // A zone the server does not know falls back to UTC.
    expect(idsOf((await page(operator, '/?from=2026-05-02&to=2026-05-02', 'Mars/Olympus')).html)).toEqual(idsOf(utc.html));
  });

  test('a filter that does not parse answers 422 with the message, the form showing what was typed', async () => {
    const cases: [string, string][] = [
      ['/?from=2026-13-01', 'from must be a date (YYYY-MM-DD)'],
      ['/?from=yesterday', 'from must be a date (YYYY-MM-DD)'],
      ['/?to=2026-02-30', 'to must be a date (YYYY-MM-DD)'],
      ['/?from=2026-05-03&to=2026-05-02', 'to must be the same day as from or later'],
      ['/?kind=cron', 'kind must be one of scheduled, manual, ad-hoc'],
      ['/?status=done', 'status must be one of pending, running, succeeded, failed, stopped, missed, skipped'],
      ['/?scheduleId=abc', 'scheduleId must be an id (a positive integer)'],
      ['/?before=0', 'before must be an id (a positive integer)'],
      ['/?after=99999999999', 'after must be an id (a positive integer)'],
    ];
    for (const [url, message] of cases) {
      const res = await page(operator, url);
      expect([url, res.status]).toEqual([url, 422]);
      expect(/<div class="alert alert-danger" id="filter-error" role="alert">([^<]*)<\/div>/.exec(res.html)?.[1]).toBe(`The filter was not applied: ${message}`);
      expect(idsOf(res.html)).toEqual([]);
    }
    const typed = await page(operator, '/?from=2026-13-01&kind=manual');
    expect(typed.html).toContain('<input class="form-control form-control-sm" id="from" type="date" name="from" value="2026-13-01">');
    expect(typed.html).toContain('<option value="manual" selected>manual</option>');
    // The in-place refresh fragment refuses the same way.
    expect((await page(operator, '/?fragment=rows&kind=cron')).status).toBe(422);
  });

  test('the refresh fragment is the rows alone, and a schedule filter adds the duration/rows chart', async () => {
    const fragment = await page(viewer, `/?fragment=rows&status=failed&kind=manual`);
    expect(fragment.status).toBe(200);
    expect(fragment.html.startsWith('<tr data-id=')).toBe(true);
    expect(fragment.html).not.toContain('<html');
    expect(idsOf(fragment.html)).toEqual(visible((e) => e.status === 'failed' && e.kind === 'manual'));

    const charted = await page(viewer, `/?scheduleId=${nightly.scheduleId}`);
    expect(charted.html).toContain('Last 30 finished runs of Nightly');
    expect([...charted.html.matchAll(/<rect [^>]*class="bar bar-(succeeded|failed)"/g)]).toHaveLength(60); // two charts × 30 runs
    expect(charted.html).toContain('Rows written per run (max 128 rows)'); // rows = i; i = 128 is the largest among the newest 30 runs of the schedule
    expect(charted.html).toContain('Duration per run (max 90.0 s)');
    const none = await page(viewer, `/?scheduleId=${hidden.scheduleId}`);
    expect(idsOf(none.html)).toEqual([]);
  });
});

describe('the same filters through GET /api/v1/executions', () => {
  const ids = async (query: Record<string, string | number>) => {
    const res = await operator.agent.get('/api/v1/executions').query(query);
    expect(res.status).toBe(200);
    return res.body as { items: { id: number }[]; nextBefore: number | null; nextAfter?: number | null };
  };

  test('kind, an ISO time range [from, to) and paging both ways give exactly the rows the operator may see', async () => {
    expect((await ids({ kind: 'manual', limit: 200 })).items.map((e) => e.id)).toEqual(visible((e) => e.kind === 'manual'));
    // 2026-05-02 00:00 UTC (i = 24) up to, not including, 10:00 UTC (i = 34); the offset form names the same instant.
    const inRange = visible((e) => e.i >= 24 && e.i < 34);
    expect((await ids({ from: '2026-05-02', to: '2026-05-02T07:00:00-03:00', limit: 200 })).items.map((e) => e.id)).toEqual(inRange);

    const all = visible();
    const first = await ids({ limit: 50 });
    expect(first.items.map((e) => e.id)).toEqual(all.slice(0, 50));
    expect(first.nextBefore).toBe(all[49]);
    const second = await ids({ limit: 50, before: first.nextBefore! });
    expect(second.items.map((e) => e.id)).toEqual(all.slice(50, 100));
    // Back towards newer runs from the second page's newest row: the first page again.
    const back = await ids({ limit: 50, after: all[50]! });
    expect([back.items.map((e) => e.id), back.nextBefore, back.nextAfter]).toEqual([all.slice(0, 50), all[49], null]);
    // The oldest page says there is nothing older.
    const oldest = await ids({ limit: 50, before: all[all.length - 11]! });
    expect([oldest.items.map((e) => e.id), oldest.nextBefore]).toEqual([all.slice(-10), null]);
  });

  test('bad values answer 422 naming the field', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ kind: 'nightly' }, 'kind must be one of scheduled, manual, ad-hoc'],
      [{ from: '02/05/2026' }, 'from must be an ISO 8601 date or date-time, e.g. 2024-06-01 or 2024-06-01T00:00:00-03:00'],
      [{ from: '2026-05-03', to: '2026-05-02' }, 'to must be later than from'],
      // Never silently "no filter": every visible execution would come back.
      [{ scheduleId: 'abc' }, 'scheduleId must be an id (a positive integer)'],
      [{ before: 'x' }, 'before must be an id (a positive integer)'],
      [{ after: '0' }, 'after must be an id (a positive integer)'],
    ];
    for (const [query, message] of cases) {
      const res = await operator.agent.get('/api/v1/executions').query(query);
      expect([res.status, res.body.error?.message]).toEqual([422, message]);
    }
  });
});
