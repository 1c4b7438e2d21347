/**
 * The OpenAPI 3.1 description of /api/v1, served at GET /api/v1/openapi.json. Written by hand
 * (the routes are plain Express) and kept honest by test/api-v1/openapi.test.ts, which walks the
 * real router and fails when a route is missing here or a documented one does not exist.
 */
import { EXECUTION_KINDS, EXECUTION_STATUSES } from '../../../domain/model.js';
import { ROLES } from '../../../domain/auth/actor.js';
import { ACTIONS } from '../../../domain/users/user-directory.js';
import { SEVERITIES } from '../../../../../../jobs/contract/src/log-entry.js';
import { DESTINATION_KINDS, FIREBIRD_CHARSETS, WRITE_MODES } from '../../../../../../jobs/contract/src/job-spec.js';

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const dateTime = str({ format: 'date-time' });
const object = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => ({ type: 'object', properties, required });
const listOf = (item: string): Schema => object({ items: { type: 'array', items: ref(item) } });

const json = (schema: Schema, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const ERRORS = {
  '401': { $ref: '#/components/responses/Unauthenticated' },
  '403': { $ref: '#/components/responses/Forbidden' },
  '404': { $ref: '#/components/responses/NotFound' },
  '422': { $ref: '#/components/responses/Invalid' },
};
const idParam = { name: 'id', in: 'path', required: true, schema: int({ minimum: 1 }) };

interface Operation {
  summary: string;
  tags: string[];
  ok?: [status: string, schema: Schema | null, description?: string];
  body?: Schema;
  query?: { name: string; schema: Schema; description?: string }[];
}

function operation(op: Operation, path: string): Schema {
  const [status, schema, description] = op.ok ?? ['200', null];
  return {
    summary: op.summary,
    tags: op.tags,
    ...(path.includes('{id}') || op.query
      ? { parameters: [...(path.includes('{id}') ? [idParam] : []), ...(op.query ?? []).map((q) => ({ in: 'query', required: false, ...q }))] }
      : {}),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
    responses: { [status]: schema ? json(schema, description) : { description: description ?? 'Done' }, ...ERRORS },
  };
}

/** CRUD of one collection: list/create on the collection, get/update/delete on an item. */
function crud(paths: Record<string, Record<string, Schema>>, collection: string, entity: string, input: string, tag: string): void {
  paths[`/${collection}`] = {
    get: operation({ summary: `List ${collection}`, tags: [tag], ok: ['200', listOf(entity)] }, ''),
    post: operation({ summary: `Create a ${entity.toLowerCase()}`, tags: [tag], body: ref(input), ok: ['201', ref(entity), 'Created'] }, ''),
  };
  paths[`/${collection}/{id}`] = {
    get: operation({ summary: `Get a ${entity.toLowerCase()}`, tags: [tag], ok: ['200', ref(entity)] }, '{id}'),
    put: operation({ summary: `Replace a ${entity.toLowerCase()}`, tags: [tag], body: ref(input), ok: ['200', ref(entity)] }, '{id}'),
    delete: operation({ summary: `Delete a ${entity.toLowerCase()}`, tags: [tag], ok: ['204', null, 'Deleted'] }, '{id}'),
  };
}

const SCHEMAS: Record<string, Schema> = {
  Error: object({ error: object({ code: str({ enum: ['validation', 'not-found', 'conflict', 'forbidden', 'unavailable', 'unauthenticated', 'csrf', 'bad-request', 'internal'] }), message: str(), details: { type: 'object' } }, ['code', 'message']) }),
  Source: object({ id: int(), name: str(), host: str(), port: int(), database: str(), user: str(), charset: str({ enum: [...FIREBIRD_CHARSETS] }), legacyCharset: nullable(str()), timeZone: str(), wireCrypt: str({ enum: ['required', 'disabled'] }), secretName: str() }),
  SourceInput: object({ name: str(), host: str(), port: int(), database: str(), user: str(), password: str({ description: 'Write-only; stored in the secret store, never returned' }), charset: str({ enum: [...FIREBIRD_CHARSETS] }), legacyCharset: str(), timeZone: str(), wireCrypt: str({ enum: ['required', 'disabled'] }) }, ['name', 'host', 'database', 'user']),
  Script: object({ id: int(), name: str(), sourceId: int(), sql: str(), keyColumns: { type: 'array', items: str() }, watermarkColumn: nullable(str()), allowEmpty: { type: 'boolean' } }),
  ScriptInput: object({ name: str(), sourceId: int(), sql: str(), keyColumns: { type: 'array', items: str() }, watermarkColumn: str(), allowEmpty: { type: 'boolean' } }, ['name', 'sourceId', 'sql']),
  Destination: object({ id: int(), name: str(), kind: str({ enum: [...DESTINATION_KINDS] }), projectId: nullable(str()), dataset: nullable(str()), location: nullable(str()), schema: nullable(str()), table: str(), writeMode: str({ enum: [...WRITE_MODES] }), secretName: nullable(str()) }),
  DestinationInput: object({ name: str(), kind: str({ enum: [...DESTINATION_KINDS] }), projectId: str(), dataset: str(), location: str(), schema: str(), table: str(), writeMode: str({ enum: [...WRITE_MODES] }), connectionUrl: str({ description: 'Postgres only; write-only' }) }, ['name', 'kind', 'table', 'writeMode']),
  Schedule: object({ id: int(), name: str(), sourceId: int(), scriptId: int(), destinationId: int(), cron: str(), timeZone: str(), active: { type: 'boolean' }, maxRuntimeSeconds: int(), createdBy: str(), createdAt: dateTime, updatedAt: dateTime }),
  ScheduleInput: object({ name: str(), sourceId: int(), scriptId: int(), destinationId: int(), cron: str({ examples: ['0 2 * * *'] }), timeZone: str({ examples: ['America/Sao_Paulo'] }), active: { type: 'boolean' }, maxRuntimeSeconds: int({ minimum: 10 }) }, ['name', 'sourceId', 'scriptId', 'destinationId', 'cron']),
  CronPreview: { type: 'object', description: 'Next firing times of a cron expression in a time zone' },
  Execution: object({
    id: int(), scheduleId: nullable(int()), sourceId: nullable(int()), scriptId: nullable(int()), destinationId: nullable(int()),
    trigger: str({ enum: ['scheduled', 'manual'] }), triggeredBy: str(), runtimeName: nullable(str()), runtimeUid: nullable(str()),
    status: str({ enum: [...EXECUTION_STATUSES] }), scheduledFor: nullable(dateTime), startedAt: nullable(dateTime), finishedAt: nullable(dateTime),
    rowsRead: nullable(int()), rowsWritten: nullable(int()), error: nullable(str()), stoppedBy: nullable(str({ description: 'Email of whoever asked for the stop' })), params: { type: 'object' }, createdAt: dateTime, durationMs: nullable(int()),
  }),
  AdHocRun: object({ sourceId: int(), scriptId: int(), destinationId: int(), maxRuntimeSeconds: int({ minimum: 10 }) }, ['sourceId', 'scriptId', 'destinationId']),
  ExecutionPage: object({ items: { type: 'array', items: ref('Execution') }, nextBefore: nullable(int({ description: 'Pass as `before` for the next (older) page' })), nextAfter: nullable(int({ description: 'With `after`: pass as `after` for the next newer page' })) }, ['items', 'nextBefore']),
  LogLine: object({ time: str(), severity: str({ enum: [...SEVERITIES] }), message: str(), fields: { type: 'object' } }, ['time', 'severity', 'message']),
  ExecutionLogs: {
    description: 'Lines of one execution, or why they cannot be read (`ok: false`; the request itself succeeded).',
    oneOf: [
      object({ ok: { const: true }, executionId: int(), status: str({ enum: [...EXECUTION_STATUSES] }), active: { type: 'boolean' }, source: str({ enum: ['local', 'pod', 'cloud-logging'] }), lines: { type: 'array', items: ref('LogLine') }, next: int({ description: 'Pass as `since` to get only newer lines while following' }), nextPageToken: str(), consoleUrl: str({ format: 'uri' }) }, ['ok', 'executionId', 'status', 'active', 'source', 'lines', 'next']),
      object({ ok: { const: false }, executionId: int(), status: str(), active: { type: 'boolean' }, reason: str({ enum: ['permission-denied', 'unauthenticated', 'unavailable', 'not-configured', 'invalid-request', 'failed'] }), message: str(), consoleUrl: str({ format: 'uri' }) }, ['ok', 'executionId', 'status', 'active', 'reason', 'message']),
    ],
  },
  User: object({ id: int(), email: str(), name: str(), role: str({ enum: [...ROLES] }), active: { type: 'boolean' }, lastLoginAt: nullable(dateTime) }),
  RolePermissions: object({ role: str({ enum: [...ROLES] }), actions: { type: 'array', items: str({ enum: [...ACTIONS] }) } }),
  Permissions: object({ you: { allOf: [ref('RolePermissions'), object({ email: str() })] }, roles: { type: 'array', items: ref('RolePermissions') } }),
  AuditEvent: object({ id: int(), at: dateTime, actor: str(), action: str(), targetType: str(), targetId: nullable(str()), details: { type: 'object' }, outcome: str({ enum: ['success', 'failure', 'refused'] }) }),
  AuditPage: object({ items: { type: 'array', items: ref('AuditEvent') }, nextBefore: nullable(int()) }),
  ApiToken: object({ id: int(), userId: int(), name: str(), prefix: str({ examples: ['etl_1a2b3c4d'] }), createdAt: dateTime, lastUsedAt: nullable(dateTime), expiresAt: nullable(dateTime), revokedAt: nullable(dateTime) }),
  NewApiToken: { allOf: [ref('ApiToken'), object({ token: str({ description: 'The token itself: shown only in this response', pattern: '^etl_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$' }) })] },
  ApiTokenInput: object({ name: str({ maxLength: 100 }), expiresInDays: int({ minimum: 1, maximum: 3650 }) }, ['name']),
  // Permissions (issue 5): grants of sources, scripts, destinations per user; form choices.
  UserGrants: object({ userId: int(), sourceIds: { type: 'array', items: int() }, scriptIds: { type: 'array', items: int() }, destinationIds: { type: 'array', items: int() } }),
  UserGrantsInput: object({ sourceIds: { type: 'array', items: int() }, scriptIds: { type: 'array', items: int() }, destinationIds: { type: 'array', items: int() } }, []),
  GrantInput: object({ resourceType: str({ enum: ['source', 'script', 'destination'] }), resourceId: int({ minimum: 1 }) }),
  UserPatch: object({ role: str({ enum: [...ROLES] }), active: { type: 'boolean' } }, []),
  Choice: object({ id: int(), name: str() }),
  FormChoices: object({ sources: { type: 'array', items: { allOf: [ref('Choice'), object({ scripts: { type: 'array', items: ref('Choice') }, destinations: { type: 'array', items: ref('Choice') } })] } } }),
  // Catalog checks (issue 5): "Test connection" and "Preview first 20 rows"; a Firebird failure is `ok: false`.
  ConnectionTest: object({
    ok: { type: 'boolean' }, message: str({ description: 'What happened, or the message a run would fail with (never a password)' }), elapsedMs: int(),
    kind: str({ description: 'On failure: auth, unreachable, unknown-database, wire-encryption, connection-lost, …' }), hint: str({ description: 'On failure: what to change' }),
    serverVersion: str({ examples: ['3.0.11'] }), databaseName: str(),
  }, ['ok', 'message', 'elapsedMs']),
  SourceSettings: object({ name: str(), host: str(), port: int(), database: str(), user: str(), password: str({ description: 'Write-only; required for a new source, empty = the stored one' }), charset: str({ enum: [...FIREBIRD_CHARSETS] }), legacyCharset: str(), timeZone: str(), wireCrypt: str({ enum: ['required', 'disabled'] }) }, ['host', 'database', 'user']),
  ScriptPreview: object({
    ok: { type: 'boolean' }, message: str(), elapsedMs: int(), kind: str({ description: 'On failure: sql, data, auth, unreachable, …' }), hint: str(),
    columns: { type: 'array', items: object({ name: str(), type: str({ description: 'Firebird type: SMALLINT, INTEGER, BIGINT, NUMERIC, VARCHAR, TIMESTAMP, …' }), scale: int({ description: 'NUMERIC only' }) }, ['name', 'type']) },
    rows: { type: 'array', maxItems: 20, description: 'Cells as a run loads them: BIGINT/NUMERIC exact decimal strings, DATE/TIME/TIMESTAMP wall-clock text, binary base64', items: { type: 'array', items: { type: ['string', 'number', 'boolean', 'null'] } } },
  }, ['ok', 'message', 'elapsedMs', 'columns', 'rows']),
  Session: object({ user: object({ userId: nullable(int()), email: str(), role: str({ enum: [...ROLES] }) }), csrfToken: nullable(str()) }),
};

export function openApiDocument(serverUrl = '/api/v1'): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  const op = (path: string, method: string, o: Operation) => {
    (paths[path] ??= {})[method] = operation(o, path);
  };
  op('/openapi.json', 'get', { summary: 'This document', tags: ['meta'], ok: ['200', { type: 'object' }] });
  op('/session', 'get', { summary: 'The caller and the CSRF token browser sessions send as x-csrf-token', tags: ['meta'], ok: ['200', ref('Session')] });
  crud(paths, 'sources', 'Source', 'SourceInput', 'catalog');
  crud(paths, 'scripts', 'Script', 'ScriptInput', 'catalog');
  crud(paths, 'destinations', 'Destination', 'DestinationInput', 'catalog');
  op('/sources/test', 'post', { summary: 'Test connection of unsaved source settings, with the password in the body (admins)', tags: ['catalog'], body: ref('SourceSettings'), ok: ['200', ref('ConnectionTest')] });
  op('/sources/{id}/test', 'post', { summary: 'Test connection: attach with the saved settings and stored password, read the server version, detach (admins; operators granted the source; 503 when the control plane cannot read passwords). With a body: those settings instead, an empty password meaning the stored one (admins)', tags: ['catalog'], body: ref('SourceSettings'), ok: ['200', ref('ConnectionTest')] });
  (paths['/sources/{id}/test']!.post as { requestBody: { required: boolean } }).requestBody.required = false;
  op('/scripts/{id}/preview', 'post', { summary: 'Preview the first 20 rows of a script, read-only (admins; operators granted the script and its source)', tags: ['catalog'], ok: ['200', ref('ScriptPreview')] });
  op('/schedules/preview', 'get', { summary: 'Next firing times of a cron expression', tags: ['schedules'], query: [{ name: 'cron', schema: str() }, { name: 'timeZone', schema: str() }], ok: ['200', ref('CronPreview')] });
  crud(paths, 'schedules', 'Schedule', 'ScheduleInput', 'schedules');
  op('/schedules/{id}/activate', 'post', { summary: 'Enable a schedule', tags: ['schedules'], ok: ['200', ref('Schedule')] });
  op('/schedules/{id}/deactivate', 'post', { summary: 'Disable a schedule', tags: ['schedules'], ok: ['200', ref('Schedule')] });
  op('/schedules/{id}/run', 'post', { summary: 'Run a schedule now (409 while it is already running)', tags: ['executions'], ok: ['202', ref('Execution'), 'Started'] });
  op('/executions', 'get', {
    summary: 'List executions, newest first',
    tags: ['executions'],
    query: [
      { name: 'status', schema: str({ enum: [...EXECUTION_STATUSES] }) }, { name: 'scheduleId', schema: int() },
      { name: 'kind', schema: str({ enum: [...EXECUTION_KINDS] }), description: 'scheduled (fired by the cron), manual (run now on a schedule) or ad-hoc' },
      { name: 'from', schema: str({ examples: ['2024-06-01', '2024-06-01T00:00:00-03:00'] }), description: 'Created at or after this ISO 8601 instant (a date alone = 00:00 UTC)' },
      { name: 'to', schema: str(), description: 'Created before this ISO 8601 instant (exclusive)' },
      { name: 'before', schema: int(), description: 'Keyset pagination: ids below this (older page; see nextBefore)' },
      { name: 'after', schema: int(), description: 'Keyset pagination: the page just newer than this id, still newest first (see nextAfter)' },
      { name: 'limit', schema: int({ minimum: 1, maximum: 200 }) },
    ],
    ok: ['200', ref('ExecutionPage')],
  });
  op('/executions', 'post', { summary: 'Ad-hoc run of a source + script + destination', tags: ['executions'], body: ref('AdHocRun'), ok: ['202', ref('Execution'), 'Started'] });
  op('/executions/{id}', 'get', { summary: 'Get an execution', tags: ['executions'], ok: ['200', ref('Execution')] });
  op('/executions/{id}/stop', 'post', { summary: 'Stop a running execution', tags: ['executions'], ok: ['200', ref('Execution')] });
  op('/executions/{id}/logs', 'get', {
    summary: 'Log lines of an execution (captured output, pod, then Cloud Logging)',
    tags: ['logs'],
    query: [{ name: 'severity', schema: str({ enum: [...SEVERITIES] }), description: 'Minimum severity' }, { name: 'pageToken', schema: str() }, { name: 'since', schema: int(), description: 'Skip lines already read (live follow)' }],
    ok: ['200', ref('ExecutionLogs')],
  });
  op('/users', 'get', { summary: 'List users (admin)', tags: ['users'], ok: ['200', listOf('User')] });
  op('/users/me', 'get', { summary: 'The caller', tags: ['users'], ok: ['200', ref('User')] });
  op('/users/{id}', 'get', { summary: 'Get a user (admin, or yourself)', tags: ['users'], ok: ['200', ref('User')] });
  op('/users/{id}', 'patch', { summary: 'Change a user\'s role and/or activation (admin; not your own)', tags: ['users'], body: ref('UserPatch'), ok: ['200', ref('User')] });
  op('/users/{id}/permissions', 'get', { summary: 'A user\'s granted sources, scripts and destinations (admin, or yourself)', tags: ['permissions'], ok: ['200', ref('UserGrants')] });
  op('/users/{id}/permissions', 'put', { summary: 'Replace a user\'s grants (admin)', tags: ['permissions'], body: ref('UserGrantsInput'), ok: ['200', ref('UserGrants')] });
  op('/users/{id}/permissions', 'post', { summary: 'Grant one source, script or destination (admin)', tags: ['permissions'], body: ref('GrantInput'), ok: ['201', ref('UserGrants'), 'Granted'] });
  op('/users/{id}/permissions', 'delete', { summary: 'Revoke one grant (admin)', tags: ['permissions'], query: [{ name: 'resourceType', schema: str({ enum: ['source', 'script', 'destination'] }) }, { name: 'resourceId', schema: int() }], ok: ['204', null, 'Revoked'] });
  op('/choices', 'get', { summary: 'Sources you may use, each with its scripts and the destinations you may use (for run and schedule forms)', tags: ['permissions'], ok: ['200', ref('FormChoices')] });
  op('/permissions', 'get', { summary: 'What each role may do, and what you may do', tags: ['users'], ok: ['200', ref('Permissions')] });
  op('/audit', 'get', { summary: 'Audit events, newest first (admin)', tags: ['audit'], query: [
    { name: 'user', schema: str(), description: 'Actor email' }, { name: 'action', schema: str(), description: 'Exact action, or a prefix ending in "." (schedule.)' },
    { name: 'targetType', schema: str() }, { name: 'targetId', schema: str() }, { name: 'outcome', schema: str({ enum: ['success', 'failure', 'refused'] }) },
    { name: 'from', schema: str(), description: 'ISO 8601 time, or YYYY-MM-DD (UTC midnight)' }, { name: 'to', schema: str(), description: 'Exclusive; a YYYY-MM-DD includes that whole day' },
    { name: 'before', schema: int() }, { name: 'limit', schema: int({ minimum: 1, maximum: 200 }) },
  ], ok: ['200', ref('AuditPage')] });
  op('/tokens', 'get', { summary: 'Your personal API tokens', tags: ['tokens'], ok: ['200', listOf('ApiToken')] });
  op('/tokens', 'post', { summary: 'Create a personal API token (the token is returned once)', tags: ['tokens'], body: ref('ApiTokenInput'), ok: ['201', ref('NewApiToken'), 'Created'] });
  op('/tokens/{id}', 'delete', { summary: 'Revoke a token', tags: ['tokens'], ok: ['200', ref('ApiToken')] });

  const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
  return {
    openapi: '3.1.0',
    info: {
      title: 'ETL Monitor API',
      version: '1',
      description:
        'Schedules, runs and monitors Firebird → BigQuery loads. Authenticate with a personal API token (`Authorization: Bearer etl_…`, ' +
        'created on your profile page or with POST /tokens; no CSRF token needed) or a browser session (cookie; send the CSRF token from ' +
        'GET /session as `x-csrf-token` on POST/PUT/DELETE). Errors are `{ "error": { "code", "message" } }`.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearerToken: [] }, { session: [] }],
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', bearerFormat: 'etl_<8 hex>_<43 base64url>' },
        session: { type: 'apiKey', in: 'cookie', name: 'etl.sid' },
      },
      responses: {
        Unauthenticated: errorResponse('No session and no valid API token'),
        Forbidden: errorResponse('Your role does not allow this, or the CSRF token is missing'),
        NotFound: errorResponse('No such item'),
        Invalid: errorResponse('The input breaks a rule; `details.field` names the field'),
      },
    },
  };
}
