// A message set before a redirect must be on the page the browser lands on. express-session sends
// a response's headers before its session save has finished, and browsers follow a redirect on the
// headers alone: with a session store slower than the browser (here a store whose writes take
// 200 ms; in CI it was Postgres under load), the next page loaded the session without the message.
// The client below does what a browser does: it sends the follow-up GET the moment the 302's
// headers arrive.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express from 'express';
import session from 'express-session';
import { flash, saveFlashBeforeRedirect, takeFlash } from '../../services/api/src/entrypoints/http/flash.js';

class SlowStore extends session.MemoryStore {
  override set(sid: string, value: session.SessionData, callback?: (err?: unknown) => void): void {
    setTimeout(() => super.set(sid, value, callback), 200);
  }
}

function app(withFix: boolean): express.Express {
  const application = express();
  application.use(session({ secret: 'test', store: new SlowStore(), resave: false, saveUninitialized: false }));
  if (withFix) application.use(saveFlashBeforeRedirect);
  application.post('/save', (req, res) => {
    flash(req, 'success', 'Schedule "Nightly" saved');
    res.redirect('/schedules');
  });
  application.get('/schedules', (req, res) => {
    res.json(takeFlash(req));
  });
  return application;
}

/** POST /save, then GET the Location with the session cookie as soon as the 302's headers are in. */
function postThenFollow(port: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const post = http.request({ port, method: 'POST', path: '/save' }, (response) => {
      const cookie = (response.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
      http
        .get({ port, path: response.headers.location, headers: { cookie } }, (page) => {
          let body = '';
          page.on('data', (chunk: Buffer) => (body += chunk.toString()));
          page.on('end', () => resolve(JSON.parse(body)));
        })
        .on('error', reject);
      response.resume();
    });
    post.on('error', reject);
    post.end();
  });
}

describe('flash message across a redirect', () => {
  const servers: http.Server[] = [];
  const listen = (application: express.Express) =>
    new Promise<number>((resolve) => {
      const server = application.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
      servers.push(server);
    });
  let plain: number;
  let fixed: number;

  beforeAll(async () => {
    plain = await listen(app(false));
    fixed = await listen(app(true));
  });
  afterAll(() => {
    for (const server of servers) server.close();
  });

  test('without saveFlashBeforeRedirect the page after the redirect misses the message (the race this fixes)', async () => {
    expect(await postThenFollow(plain)).toEqual([]);
  });

  test('with it the page shows the message', async () => {
    expect(await postThenFollow(fixed)).toEqual([{ kind: 'success', message: 'Schedule "Nightly" saved' }]);
  });
});
