// Page details through the real app (supertest, dev IdP sign-in): catalog forms are read-only for
// roles that may not change the catalog (as the schedule form is), the Run page for a viewer, log
// line times in the viewer's zone on the execution page and the full log, and missed/skipped
// firings without start/finish/duration. Executions are inserted straight into the database and
// their captured output written where the local runtime keeps it (ETL_HOME/runs/<name>/output.log).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createSample, type SampleIds } from '../api/support/catalog.js';
import { startTestControlPlane, type TestControlPlane } from '../api/support/control-plane.js';
import { ManualClock } from '../api/support/manual-clock.js';
import { signIn, type SignedIn } from '../api/support/sign-in.js';
import { UNUSED_DESTINATION_URL } from '../authz/support/world.js';

let cp: TestControlPlane;
let admin: SignedIn;
let operator: SignedIn;
let viewer: SignedIn;
let sample: SampleIds;
/** A succeeded run with a captured log, a missed and a skipped firing. */
const ids = { logged: 0, missed: 0, skipped: 0 };

const LONG_MESSAGE = `reading ${'RDB$RELATION_FIELDS.'.repeat(30)}END`;
const LOG = [
  { time: '2026-12-04T07:50:27.972Z', severity: 'INFO', message: 'connected to Firebird' },
  { time: '2026-12-04T07:50:28Z', severity: 'WARNING', message: LONG_MESSAGE },
].map((l) => JSON.stringify(l)).concat(['plain text line']);

beforeAll(async () => {
  cp = await startTestControlPlane('web_pages_ui', { local: { clock: new ManualClock(new Date('2026-12-04T08:00:00Z')) } });
  admin = await signIn(cp.url, 'admin');
  sample = await createSample(admin, UNUSED_DESTINATION_URL, { name: 'Nightly', table: 'nightly', cron: '0 3 * * *', timeZone: 'America/Sao_Paulo', active: true });
  operator = await signIn(cp.url, 'operator');
  viewer = await signIn(cp.url, 'viewer');
  const client = new pg.Client({ connectionString: cp.databaseUrl });
  await client.connect();
  try {
    const insert = async (status: string, runtimeName: string | null, scheduledFor: Date, startedAt: Date | null, finishedAt: Date, error: string | null) =>
      (await client.query<{ id: number }>(
        `INSERT INTO executions (schedule_id, source_id, script_id, destination_id, trigger, triggered_by, status, runtime_name, runtime_uid, scheduled_for, started_at, finished_at, error, params, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'scheduled', 'scheduler', $5, $6, $6, $7, $8, $9, $10, $11, $9, $9) RETURNING id`,
        [sample.scheduleId, sample.sourceId, sample.scriptId, sample.destinationId, status, runtimeName, scheduledFor, startedAt, finishedAt, error,
          JSON.stringify({ schedule: 'Nightly' })],
      )).rows[0]!.id;
    ids.logged = await insert('succeeded', 'etl-web-logs-1', new Date('2026-12-04T07:50:00Z'), new Date('2026-12-04T07:50:27Z'), new Date('2026-12-04T07:50:29Z'), null);
    ids.missed = await insert('missed', null, new Date('2026-12-04T07:51:00Z'), null, new Date('2026-12-04T07:55:00Z'), 'The control plane was down at 07:50');
    ids.skipped = await insert('skipped', null, new Date('2026-12-04T07:52:00Z'), null, new Date('2026-12-04T07:56:00Z'), 'Schedule "Nightly" is already running');
  } finally {
    await client.end();
  }
  const dir = join(cp.etlHome, 'runs', 'etl-web-logs-1');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'output.log'), `${LOG.join('\n')}\n`);
}, 90_000);

afterAll(async () => {
  await cp?.stop();
});

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
const text = (html: string) => decode(html.replace(/<[^>]*>/g, '')).trim();
const logOf = (html: string) => decode(/<pre class="log[^"]*" id="log"[^>]*>([\s\S]*?)<\/pre>/.exec(html)![1]!);
/** The <main> of a page: the navigation's sign-out form is not part of the page's content. */
const mainOf = (html: string) => /<main[^>]*>([\s\S]*)<\/main>/.exec(html)![1]!;
const dd = (html: string, id: string) => text(new RegExp(`<dd class="col-sm-8" id="${id}">([\\s\\S]*?)</dd>`).exec(html)?.[1] ?? 'absent');

describe('catalog forms are read-only for roles that may not change the catalog', () => {
  const SAVE_ENABLED = '<button class="btn btn-primary" id="save" type="submit">Save</button>';
  const SAVE_DISABLED = '<button class="btn btn-primary" id="save" type="submit" disabled>Save</button>';

  test('new and edit forms of sources, scripts and destinations: note and disabled fields/Save for operator and viewer, editable for admin', async () => {
    const paths = [
      '/sources/new', `/sources/${sample.sourceId}/edit`,
      '/scripts/new', `/scripts/${sample.scriptId}/edit`,
      '/destinations/new', `/destinations/${sample.destinationId}/edit`,
    ];
    for (const [who, role] of [[admin, 'admin'], [operator, 'operator'], [viewer, 'viewer']] as const) {
      for (const path of paths) {
        const res = await who.agent.get(path);
        const writer = role === 'admin';
        // [role, path, status, Save, fieldset, note]
        expect([role, path, res.status, res.text.includes(writer ? SAVE_ENABLED : SAVE_DISABLED), res.text.includes(writer ? SAVE_DISABLED : SAVE_ENABLED),
          res.text.includes(writer ? '<fieldset id="catalog-fields">' : '<fieldset id="catalog-fields" disabled>'),
          /<p class="alert alert-info" id="read-only-note">([^<]*)<\/p>/.exec(res.text)?.[1] ?? null,
        ]).toEqual([role, path, 200, true, false, true, writer ? null : `Your role (${role}) may not change the catalog.`]);
      }
    }
    // The server refuses their posts anyway.
    const refused = await viewer.agent.post('/sources').type('form').send({ _csrf: viewer.csrf, name: 'Nope' });
    expect(refused.status).toBe(403);
  });

  test('GET /run for a viewer says they may not start runs and has no form', async () => {
    const res = await viewer.agent.get('/run');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<p class="alert alert-info" id="run-not-allowed">Your role (viewer) may look at runs but not start them.</p>');
    expect(mainOf(res.text)).not.toContain('<form');
    expect(mainOf(res.text)).not.toContain('<button');
    const mine = await operator.agent.get('/run');
    expect([mine.status, (mainOf(mine.text).match(/<form /g) ?? []).length]).toEqual([200, 2]);
  });
});

describe('times', () => {
  test('log line times on the execution page and the full log are in the viewer\'s zone, milliseconds kept, the zone named once', async () => {
    const expected = [
      '2026-12-04 04:50:27.972 INFO connected to Firebird',
      `2026-12-04 04:50:28 WARNING ${LONG_MESSAGE}`,
      'INFO plain text line',
      '',
    ].join('\n');
    for (const path of [`/executions/${ids.logged}`, `/executions/${ids.logged}/logs`]) {
      const res = await operator.agent.get(path).set('Cookie', 'tz=America%2FSao_Paulo');
      expect([path, res.status]).toEqual([path, 200]);
      expect(logOf(res.text)).toBe(expected);
      // The live tail (public/app.js) formats in the same zone.
      expect(res.text).toMatch(/<pre class="log[^"]*" id="log" data-zone="America\/Sao_Paulo"/);
      expect([...mainOf(res.text).matchAll(/America\/Sao_Paulo/g)]).toHaveLength(2); // the note and the data attribute
      expect(res.text).toContain('<p class="small text-muted" id="zone-note">Times in America/Sao_Paulo</p>');
    }
    const page = await operator.agent.get(`/executions/${ids.logged}`).set('Cookie', 'tz=America%2FSao_Paulo');
    expect([dd(page.text, 'started'), dd(page.text, 'finished'), dd(page.text, 'duration'), dd(page.text, 'recorded')])
      .toEqual(['2026-12-04 04:50:27 (UTC-03:00)', '2026-12-04 04:50:29 (UTC-03:00)', '2.0 s', 'absent']);
  });

  test('the schedules page shows next runs with the preview\'s offset style', async () => {
    const res = await operator.agent.get('/schedules');
    // Nightly: 03:00 daily in São Paulo, clock at 2026-12-04 08:00 UTC (05:00 there).
    expect(res.text).toMatch(new RegExp(`<tr data-schedule-id="${sample.scheduleId}">.*?<td class="next-run">2026-12-05 03:00:00 \\(UTC-03:00\\)</td>`));
    expect(res.text).not.toMatch(/GMT/);
  });

  test('missed and skipped firings show — for started, finished and duration; the execution page says when they were recorded', async () => {
    const dash = await operator.agent.get('/').set('Cookie', 'tz=America%2FSao_Paulo');
    const cells = (id: number) => [...new RegExp(`<tr data-id="${id}">([\\s\\S]*?)</tr>`).exec(dash.text)![1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => text(c[1]!));
    // #, status, schedule, trigger, who, scheduled for, started, finished, duration, rows
    expect(cells(ids.missed)).toEqual([String(ids.missed), 'missed', 'Nightly', 'scheduled', 'scheduler', '2026-12-04 04:51:00 (UTC-03:00)', '—', '—', '—', '—']);
    expect(cells(ids.skipped).slice(5)).toEqual(['2026-12-04 04:52:00 (UTC-03:00)', '—', '—', '—', '—']);
    expect(cells(ids.logged).slice(5)).toEqual(['2026-12-04 04:50:00 (UTC-03:00)', '2026-12-04 04:50:27 (UTC-03:00)', '2026-12-04 04:50:29 (UTC-03:00)', '2.0 s', '—']);
    expect(dash.text).toContain('<td title="Recorded at 2026-12-04 04:55:00 (UTC-03:00)">—</td>');

    for (const [id, recorded] of [[ids.missed, '2026-12-04 04:55:00 (UTC-03:00)'], [ids.skipped, '2026-12-04 04:56:00 (UTC-03:00)']] as const) {
      const page = await operator.agent.get(`/executions/${id}`).set('Cookie', 'tz=America%2FSao_Paulo');
      expect([dd(page.text, 'started'), dd(page.text, 'finished'), dd(page.text, 'duration'), dd(page.text, 'recorded')]).toEqual(['—', '—', '—', recorded]);
    }
  });
});
