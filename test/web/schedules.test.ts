// Schedule and run pages through the real app (supertest, dev IdP sign-in, a fixed clock): the
// cron preview endpoint public/app.js calls, the form's server-side preview, and the flash
// message of every action, success and failure. Runs use the sleepy stand-in extractor.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createSample, post, type SampleIds } from '../api/support/catalog.js';
import { startTestControlPlane, type TestControlPlane } from '../api/support/control-plane.js';
import { ManualClock } from '../api/support/manual-clock.js';
import { signIn, type SignedIn } from '../api/support/sign-in.js';
import { SLEEPY_EXTRACTOR, UNUSED_DESTINATION_URL } from '../authz/support/world.js';

let cp: TestControlPlane;
let admin: SignedIn;
let operator: SignedIn;
let viewer: SignedIn;
let sample: SampleIds;

beforeAll(async () => {
  cp = await startTestControlPlane('web_schedules', { local: { clock: new ManualClock(new Date('2026-03-20T12:00:00Z')), extractor: SLEEPY_EXTRACTOR, stopGraceMs: 2_000 } });
  admin = await signIn(cp.url, 'admin');
  sample = await createSample(admin, UNUSED_DESTINATION_URL, { name: 'Nightly', table: 'nightly', cron: '0 3 * * *', timeZone: 'UTC' });
  operator = await signIn(cp.url, 'operator');
  viewer = await signIn(cp.url, 'viewer');
}, 90_000);

afterAll(async () => {
  await cp?.stop();
});

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
const alerts = (html: string, kind: 'success' | 'danger') => [...html.matchAll(new RegExp(`<div class="alert alert-${kind}" role="alert">([^<]*)</div>`, 'g'))].map((m) => decode(m[1]!));

/** A form post as the browser sends it (urlencoded, _csrf field); returns the redirect target. */
async function submit(who: SignedIn, path: string, fields: Record<string, string | string[]> = {}) {
  return who.agent.post(path).type('form').send({ _csrf: who.csrf, ...fields });
}

/** Follows a form post's redirect and returns the flash messages shown there. */
async function flashAfter(who: SignedIn, path: string, fields: Record<string, string> = {}): Promise<{ location: string; success: string[]; danger: string[] }> {
  const res = await submit(who, path, fields);
  expect([path, res.status]).toEqual([path, 302]);
  const location = res.headers.location as string;
  const page = await who.agent.get(location);
  return { location, success: alerts(page.text, 'success'), danger: alerts(page.text, 'danger') };
}

const BERLIN_WARNINGS = [
  'On 2026-03-29 clocks in Europe/Berlin jump forward: 02:30 does not exist that day, so that run does not happen.',
  'On 2026-10-25 clocks in Europe/Berlin go back: 02:30 happens twice that day and the job runs twice then.',
];

test('GET /schedules/preview: the next 10 runs in the zone from the schedules\' clock, warnings, errors', async () => {
  const res = await viewer.agent.get('/schedules/preview').query({ cron: '30 2 * * *', timeZone: 'Europe/Berlin' });
  expect(res.status).toBe(200);
  expect(res.body.timeZone).toBe('Europe/Berlin');
  expect(res.body.ok).toBe(true);
  expect(res.body.runs.map((r: { local: string }) => r.local)).toEqual([
    '2026-03-21 02:30 (UTC+01:00)', '2026-03-22 02:30 (UTC+01:00)', '2026-03-23 02:30 (UTC+01:00)', '2026-03-24 02:30 (UTC+01:00)',
    '2026-03-25 02:30 (UTC+01:00)', '2026-03-26 02:30 (UTC+01:00)', '2026-03-27 02:30 (UTC+01:00)', '2026-03-28 02:30 (UTC+01:00)',
    '2026-03-30 02:30 (UTC+02:00)', '2026-03-31 02:30 (UTC+02:00)',
  ]);
  expect(res.body.runs[8].at).toBe('2026-03-30T00:30:00.000Z');
  expect(res.body.warnings).toEqual(BERLIN_WARNINGS);

  const both = await viewer.agent.get('/schedules/preview').query({ cron: '0 6 13 * 5', timeZone: 'UTC' });
  expect(both.body.warnings).toEqual(['Both day-of-month and day-of-week are set: the job runs on days matching EITHER field (standard cron and Kubernetes), not only days matching both.']);
  expect(both.body.runs.slice(0, 3).map((r: { local: string }) => r.local)).toEqual(['2026-03-27 06:00 (UTC+00:00)', '2026-04-03 06:00 (UTC+00:00)', '2026-04-10 06:00 (UTC+00:00)']);

  expect((await viewer.agent.get('/schedules/preview').query({ cron: '* * *', timeZone: 'UTC' })).body).toEqual({ timeZone: 'UTC', ok: false, error: expect.stringMatching(/5 fields/) });
  expect((await viewer.agent.get('/schedules/preview').query({ cron: '0 3 * * *', timeZone: 'Mars/Olympus' })).body).toEqual({
    timeZone: 'Mars/Olympus', ok: false, error: '"Mars/Olympus" is not an IANA time zone; use a name such as "Europe/Berlin", "America/Sao_Paulo" or "UTC"',
  });
  expect((await viewer.agent.get('/schedules/preview')).body).toEqual({ timeZone: 'UTC', ok: false, error: 'Enter a cron expression' });
});

test('the schedule form previews on the server too, and saving names the warnings in the flash message', async () => {
  // The new form starts in the viewer's zone (tz cookie).
  const form = await operator.agent.get('/schedules/new').set('Cookie', 'tz=Europe%2FBerlin');
  expect(form.status).toBe(200);
  expect(form.text).toContain('<p class="small mb-1" id="cron-heading">Next 10 runs in Europe/Berlin:</p>');
  expect(form.text).toContain('<li>2026-03-21 02:00 (UTC+01:00)</li>');
  expect(form.text).toContain('data-preview-url="/schedules/preview"');

  const fields = { name: 'Berlin', sourceId: String(sample.sourceId), scriptId: String(sample.scriptId), destinationId: String(sample.destinationId), cron: '30 2 * * *', timeZone: 'Europe/Berlin', maxRuntimeSeconds: '600', active: 'false' };
  const saved = await flashAfter(operator, '/schedules', fields);
  expect(saved.location).toBe('/schedules');
  expect(saved.success).toEqual([`Schedule "Berlin" saved. Note: ${BERLIN_WARNINGS.join(' ')}`]);

  // A refused save renders the form again with the message and the preview of what was typed.
  const refused = await submit(operator, '/schedules', { ...fields, name: 'Berlin' });
  expect(refused.status).toBe(422);
  expect(decode(/<div class="alert alert-danger" id="form-error" role="alert">([^<]*)<\/div>/.exec(refused.text)![1]!)).toBe('A schedule named "Berlin" already exists');
  expect(refused.text).toContain('<li>2026-03-21 02:30 (UTC+01:00)</li>');
  const badCron = await submit(operator, '/schedules', { ...fields, name: 'Bad', cron: '61 2 * * *' });
  expect(badCron.status).toBe(422);
  expect(badCron.text).toContain('<div class="alert alert-danger py-1 small mb-1" id="cron-error" role="status">minute 61 is above the maximum 59 in &quot;61&quot;</div>');

  // A refused save keeps "Active" ticked: the form posts the hidden "false" and the ticked "true" together.
  const ticked = await submit(operator, '/schedules', { ...fields, name: 'Ticked', timeZone: 'Mars/Olympus', active: ['false', 'true'] });
  expect(ticked.status).toBe(422);
  expect(ticked.text).toContain('<input class="form-check-input" id="active" type="checkbox" name="active" value="true" checked>');
  const unticked = await submit(operator, '/schedules', { ...fields, name: 'Unticked', timeZone: 'Mars/Olympus', active: 'false' });
  expect(unticked.status).toBe(422);
  expect(unticked.text).toContain('<input class="form-check-input" id="active" type="checkbox" name="active" value="true">');

  // A viewer gets the form read-only, and a refusal if they post anyway.
  const viewerForm = await viewer.agent.get('/schedules/new');
  expect(viewerForm.text).toContain('Your role (viewer) may look at schedules but not change them.');
  expect(viewerForm.text).toContain('<button class="btn btn-primary" id="save" type="submit" disabled>Save</button>');
  expect((await submit(viewer, '/schedules', { ...fields, name: 'Viewer' })).status).toBe(403);
});

test('activate, deactivate, run now, delete: a flash message on success and on failure', async () => {
  const created = await post(admin, '/schedules', { name: 'Flashy', sourceId: sample.sourceId, scriptId: sample.scriptId, destinationId: sample.destinationId, cron: '0 4 * * *', timeZone: 'UTC', active: false });
  const id = created.id as number;
  expect((await flashAfter(operator, `/schedules/${id}/activate`)).success).toEqual(['Schedule "Flashy" activated']);
  const list = await operator.agent.get('/schedules');
  // Next run in the schedule's zone from the schedules' clock (2026-03-20 12:00 UTC).
  expect(list.text).toMatch(new RegExp(`<tr data-schedule-id="${id}">.*?<td class="next-run">2026-03-21 04:00:00 \\(UTC\\+00:00\\)</td><td class="last-run"><span class="text-muted">never</span></td>`));
  expect((await flashAfter(operator, `/schedules/${id}/deactivate`)).success).toEqual(['Schedule "Flashy" deactivated']);
  expect((await flashAfter(viewer, `/schedules/${id}/activate`)).danger).toEqual(['viewer@example.com (role viewer) may not change schedules']);

  // Run now: the execution page with its message; a second one while it runs is refused.
  const run = await flashAfter(operator, `/schedules/${id}/run`);
  const executionId = Number(/^\/executions\/(\d+)$/.exec(run.location)![1]);
  expect(run.success).toEqual([`Execution ${executionId} started`]);
  const again = await flashAfter(operator, '/run', { scheduleId: String(id) });
  expect(again.location).toBe(`/run?scheduleId=${id}`);
  // Zone-free and human (the domain does not know the viewer's zone): how long ago by the service clock, fixed here.
  expect(again.danger).toEqual([`Schedule "Flashy" is already running (execution ${executionId}, started 0 s ago); wait for it to finish or stop it first`]);
  expect((await flashAfter(viewer, '/run', { scheduleId: String(id) })).danger).toEqual(['viewer@example.com (role viewer) may not start runs']);
  expect((await flashAfter(operator, '/run', { scheduleId: 'abc' })).danger).toEqual(['Choose a schedule']);
  // Deleting while it runs is refused; the viewer may not stop it; the operator does.
  expect((await flashAfter(operator, `/schedules/${id}/delete`)).danger).toEqual([`Schedule "Flashy" has a run in progress (execution ${executionId}); stop it before deleting the schedule`]);
  expect((await flashAfter(viewer, `/executions/${executionId}/stop`)).danger).toEqual(['viewer@example.com (role viewer) may not stop runs']);
  const stopped = await flashAfter(operator, `/executions/${executionId}/stop`);
  expect(stopped.location).toBe(`/executions/${executionId}`);
  expect(stopped.success).toEqual([`Execution ${executionId} stopped (status stopped)`]);
  expect((await flashAfter(operator, `/executions/${executionId}/stop`)).danger).toEqual([`Execution ${executionId} is not running (status stopped)`]);

  expect((await flashAfter(operator, `/schedules/${id}/delete`)).success).toEqual(['Schedule "Flashy" deleted']);
  expect((await flashAfter(operator, `/schedules/${id}/delete`)).danger).toEqual([`Schedule ${id} not found`]);
});

test('background requests (row refresh, cron preview) leave the flash message for the next page', async () => {
  const created = await post(admin, '/schedules', { name: 'Quiet', sourceId: sample.sourceId, scriptId: sample.scriptId, destinationId: sample.destinationId, cron: '0 4 * * *', timeZone: 'UTC', active: false });
  const res = await submit(operator, `/schedules/${created.id as number}/activate`);
  expect(res.status).toBe(302);
  expect((await operator.agent.get('/?fragment=rows')).status).toBe(200);
  expect((await operator.agent.get('/schedules/preview').query({ cron: '0 1 * * *' })).status).toBe(200);
  const page = await operator.agent.get('/schedules');
  expect(alerts(page.text, 'success')).toEqual(['Schedule "Quiet" activated']);
  expect(alerts((await operator.agent.get('/schedules')).text, 'success')).toEqual([]);
});
