// Realistic dashboard data for the benchmark and the plan test, generated in SQL (generate_series).
//
// Catalog: 4 sources x 8 scripts, 6 BigQuery destinations, 24 schedules (schedule s runs script s
// of source 1 + (s-1)/8 into destination 1 + s % 6; sources 1-3 have schedules, source 4 is used by
// hand only). Users (as the dev IdP signs them in, pre-created so grants can name them):
//   - admin@example.com            admin, sees everything
//   - operator@example.com         source 2, scripts 9-11, every destination -> schedules 9-11 (1/8)
//   - operator2@example.com        source 1, script 1, destination 2          -> schedule 1 (1/24)
// Executions, g = 1 the oldest, one every 63 s from 2024-01-01 (1,000,000 rows span two years):
//   - kind: every 50th is ad hoc (no schedule, one of the 32 scripts by hand), every 10th (+5) a
//     manual "run now" of its schedule, the rest scheduled by the scheduler;
//   - status: 1 in 97 failed (schedule 7 also fails 1 in 13), 1 in 211 stopped, 1 in 503 skipped,
//     1 in 1009 missed, the rest succeeded (finished; no pending/running rows, so the control plane
//     started on this database has nothing to reconcile);
//   - triggered by the scheduler, or one of five people for manual / ad-hoc runs.
export const SCHEDULES = 24;
export const START = '2024-01-01T00:00:00Z';
export const EVERY_SECONDS = 63;

export const seedSql = (rows: number): string => `
INSERT INTO sources (name, host, port, database, user_name, charset, time_zone, secret_name)
  SELECT n, lower(n) || '.fb.example', 3050, lower(n), 'ETL_READER', 'UTF8', 'Europe/Berlin', 'etl-source-' || i
  FROM unnest(ARRAY['ERP', 'CRM', 'WMS', 'HR']) WITH ORDINALITY AS s(n, i);
INSERT INTO scripts (name, source_id, sql)
  SELECT 'Script ' || i, 1 + (i - 1) / 8, 'SELECT * FROM T' || i FROM generate_series(1, 32) i;
INSERT INTO destinations (name, kind, project_id, dataset, table_name, write_mode)
  SELECT 'dwh.table_' || i, 'bigquery', 'dwh-prod', 'etl', 'table_' || i, 'truncate' FROM generate_series(1, 6) i;
INSERT INTO schedules (name, source_id, script_id, destination_id, cron, time_zone, active, max_runtime_seconds, created_by)
  SELECT 'Schedule ' || s, 1 + (s - 1) / 8, s, 1 + s % 6, (s % 60) || ' * * * *', 'Europe/Berlin', FALSE, 3600, 'admin@example.com'
  FROM generate_series(1, ${SCHEDULES}) s;
INSERT INTO users (email, name, role) VALUES
  ('admin@example.com', 'Ada Admin', 'admin'),
  ('operator@example.com', 'Otto Operator', 'operator'),
  ('operator2@example.com', 'Olga Operator', 'operator'),
  ('ana@example.com', 'Ana', 'operator'),
  ('bob@example.com', 'Bob', 'operator');
INSERT INTO permissions (user_id, resource_type, resource_id, granted_by)
  SELECT u.id, g.t, g.r, 'admin@example.com'
  FROM users u JOIN (
    SELECT 'operator@example.com' AS email, 'source' AS t, 2 AS r
    UNION ALL SELECT 'operator@example.com', 'script', r FROM generate_series(9, 11) r
    UNION ALL SELECT 'operator@example.com', 'destination', r FROM generate_series(1, 6) r
    UNION ALL SELECT 'operator2@example.com', 'source', 1
    UNION ALL SELECT 'operator2@example.com', 'script', 1
    UNION ALL SELECT 'operator2@example.com', 'destination', 2
  ) g ON g.email = u.email;
INSERT INTO executions (schedule_id, source_id, script_id, destination_id, trigger, triggered_by, status,
                        scheduled_for, started_at, finished_at, rows_read, rows_written, error, params, created_at, updated_at)
SELECT CASE WHEN kind = 'ad-hoc' THEN NULL ELSE script END, 1 + (script - 1) / 8, script, destination,
       CASE WHEN kind = 'scheduled' THEN 'scheduled' ELSE 'manual' END,
       CASE WHEN kind = 'scheduled' THEN 'scheduler'
            ELSE (ARRAY['operator@example.com', 'operator2@example.com', 'admin@example.com', 'ana@example.com', 'bob@example.com'])[1 + g % 5] END,
       status,
       CASE WHEN kind = 'scheduled' THEN t END,
       CASE WHEN status IN ('skipped', 'missed') THEN NULL ELSE t + interval '2 seconds' END,
       t + make_interval(secs => 30 + g % 300),
       CASE WHEN status = 'succeeded' THEN (g::bigint * 7919) % 100000 END,
       CASE WHEN status = 'succeeded' THEN (g::bigint * 7919) % 100000 END,
       CASE status WHEN 'failed' THEN 'source: connection lost (08006)' WHEN 'skipped' THEN 'the previous run was still active'
                   WHEN 'missed' THEN 'the control plane was down at this time' END,
       CASE WHEN kind = 'ad-hoc' THEN '{"maxRuntimeSeconds": 3600}'::jsonb
            ELSE jsonb_build_object('schedule', 'Schedule ' || script, 'cron', (script % 60) || ' * * * *', 'timeZone', 'Europe/Berlin', 'maxRuntimeSeconds', 3600) END,
       t, t + make_interval(secs => 30 + g % 300)
FROM (
  SELECT g, t, kind,
         CASE WHEN kind = 'ad-hoc' THEN 1 + (g / 50) % 32 ELSE 1 + g % ${SCHEDULES} END AS script,
         CASE WHEN kind = 'ad-hoc' THEN 1 + (g / 50) % 6 ELSE 1 + (1 + g % ${SCHEDULES}) % 6 END AS destination,
         CASE WHEN kind <> 'scheduled' AND status IN ('skipped', 'missed') THEN 'succeeded' ELSE status END AS status
  FROM (
    SELECT g, timestamptz '${START}' + g * interval '${EVERY_SECONDS} seconds' AS t,
           CASE WHEN g % 50 = 0 THEN 'ad-hoc' WHEN g % 10 = 5 THEN 'manual' ELSE 'scheduled' END AS kind,
           CASE WHEN g % 97 = 0 OR (g % ${SCHEDULES} = 6 AND g % 13 = 0) THEN 'failed' WHEN g % 211 = 0 THEN 'stopped'
                WHEN g % 503 = 0 THEN 'skipped' WHEN g % 1009 = 0 THEN 'missed' ELSE 'succeeded' END AS status
    FROM generate_series(1, ${rows}) g
  ) base
) runs;
`;
