// The OpenAPI document served at /api/v1/openapi.json: valid OpenAPI 3.1 (checked by
// @apidevtools/swagger-parser, offline), and describing exactly the routes the real Express router
// of a running control plane has — an undocumented route or a documented ghost fails here.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import { openApiDocument } from '../../services/api/src/entrypoints/http/openapi/document.js';
import { startTestControlPlane, type TestControlPlane } from '../api/support/control-plane.js';
import { signIn, type SignedIn } from '../api/support/sign-in.js';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** "GET /schedules/{id}" for every route of the router(s) the app mounts at /api/v1. */
function apiRoutes(app: { router: { stack: Layer[] } }): string[] {
  const routers = app.router.stack.filter((layer) => layer.rawPath === '/api/v1' && Array.isArray(layer.handle.stack));
  expect(routers.length).toBeGreaterThan(0);
  return routers.flatMap((layer) =>
    layer.handle.stack!.flatMap((inner) => {
      if (!inner.route) return [];
      const paths = Array.isArray(inner.route.path) ? inner.route.path : [inner.route.path];
      const methods = Object.keys(inner.route.methods).filter((m) => m !== '_all');
      return paths.flatMap((p) => methods.map((m) => `${m.toUpperCase()} ${String(p).replace(/:(\w+)/g, '{$1}')}`));
    }),
  );
}

function documentedRoutes(doc: Record<string, unknown>): string[] {
  const paths = doc.paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, item]) => Object.keys(item).filter((k) => HTTP_METHODS.includes(k)).map((m) => `${m.toUpperCase()} ${path}`));
}

/** Operations whose `{name}` path segments differ from their declared `in: path` parameters. */
function pathParameterMismatches(doc: Record<string, unknown>): string[] {
  const paths = doc.paths as Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .flatMap(([method, op]) => {
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name).sort();
        return JSON.stringify(inPath) === JSON.stringify(declared) ? [] : [`${method.toUpperCase()} ${path}: path has ${inPath.map((n) => `{${n}}`).join('')}, parameters declare [${declared.join(', ')}]`];
      }),
  );
}

let cp: TestControlPlane;
let viewer: SignedIn;

beforeAll(async () => {
  cp = await startTestControlPlane('issue6_openapi');
  viewer = await signIn(cp.url, 'viewer');
}, 60_000);

afterAll(async () => {
  await cp?.stop();
});

describe('OpenAPI document', () => {
  test('every /api/v1 route of the running app is documented, and every documented route exists', () => {
    const app = cp.server.listeners('request')[0] as unknown as { router: { stack: Layer[] } };
    const real = apiRoutes(app).sort();
    const documented = documentedRoutes(openApiDocument()).sort();
    // Exact lists on both sides so the failure message names the missing or extra route.
    expect(real.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((r) => !real.includes(r))).toEqual([]);
    expect(new Set(real).size).toBe(real.length);
    // A few known routes, so a walk that finds nothing cannot pass.
    expect(real).toEqual(expect.arrayContaining(['GET /openapi.json', 'GET /schedules/{id}', 'POST /executions/{id}/stop', 'GET /executions/{id}/logs', 'DELETE /tokens/{id}']));
  });

  test('is a valid OpenAPI 3.1 document (swagger-parser, $refs resolved)', async () => {
    const doc = openApiDocument();
    const copy = structuredClone(doc) as unknown as OpenAPI.Document;
    const validated = (await SwaggerParser.validate(copy)) as unknown as Record<string, unknown>;
    expect(validated.openapi).toBe('3.1.0');
    // Every operation answers errors in the one JSON shape.
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)) {
      for (const [method, op] of Object.entries(item)) {
        expect([path, method, op.responses['404']]).toEqual([path, method, { $ref: '#/components/responses/NotFound' }]);
      }
    }
  });

  test('path templates and declared path parameters match (swagger-parser does not check this for 3.x)', () => {
    expect(pathParameterMismatches(openApiDocument())).toEqual([]);
    const broken = structuredClone(openApiDocument());
    (broken.paths as Record<string, unknown>)['/schedules/{id}'] = { get: { responses: { '200': { description: 'x' } } } };
    expect(pathParameterMismatches(broken)).toEqual(['GET /schedules/{id}: path has {id}, parameters declare []']);
  });

  test('the validator rejects a schema violation and a dangling $ref (the check can fail)', async () => {
    const noDescription = structuredClone(openApiDocument()) as Record<string, unknown>;
    (noDescription.paths as Record<string, unknown>)['/session'] = { get: { responses: { '200': {} } } };
    await expect(SwaggerParser.validate(noDescription as unknown as OpenAPI.Document)).rejects.toThrow("#/paths/~1session/get/responses/200 must have required property 'description'");
    const dangling = structuredClone(openApiDocument()) as Record<string, unknown>;
    (dangling.paths as Record<string, unknown>)['/session'] = { get: { responses: { '200': { $ref: '#/components/responses/Missing' } } } };
    await expect(SwaggerParser.validate(dangling as unknown as OpenAPI.Document)).rejects.toThrow(/Missing/);
  });

  test('GET /api/v1/openapi.json serves the document', async () => {
    const res = await viewer.agent.get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });
});
