import { describe, expect, test } from '@jest/globals';
import { createMetrics } from '../../services/api/src/adapters/metrics/metrics.js';

/** The exposition text's lines, for exact-line assertions. */
async function exposition(metrics: ReturnType<typeof createMetrics>): Promise<string[]> {
  return (await metrics.expose()).body.split('\n');
}

describe('createMetrics', () => {
  test('executions_total counts final states by status and trigger; unused series exist at 0', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.executionFinished({ status: 'succeeded', trigger: 'manual', scheduleId: 7, durationSeconds: 42, rowsWritten: 1200 });
    metrics.executionFinished({ status: 'succeeded', trigger: 'manual', scheduleId: 7, durationSeconds: 50, rowsWritten: 0 });
    metrics.executionFinished({ status: 'missed', trigger: 'scheduled', scheduleId: 7 });
    const lines = await exposition(metrics);
    expect(lines).toContain('# TYPE etl_monitor_executions_total counter');
    expect(lines).toContain('etl_monitor_executions_total{status="succeeded",trigger="manual"} 2');
    expect(lines).toContain('etl_monitor_executions_total{status="missed",trigger="scheduled"} 1');
    expect(lines).toContain('etl_monitor_executions_total{status="failed",trigger="scheduled"} 0');
  });

  test('duration and rows histograms per schedule, with the documented buckets', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.executionFinished({ status: 'succeeded', trigger: 'scheduled', scheduleId: 7, durationSeconds: 42, rowsWritten: 1200 });
    metrics.executionFinished({ status: 'failed', trigger: 'scheduled', scheduleId: 7, durationSeconds: 4000, rowsWritten: 0 });
    metrics.executionFinished({ status: 'succeeded', trigger: 'manual', scheduleId: null, durationSeconds: 3, rowsWritten: 5 });
    const lines = await exposition(metrics);
    expect(lines).toEqual(
      expect.arrayContaining([
        'etl_monitor_execution_duration_seconds_bucket{le="30",schedule="7"} 0',
        'etl_monitor_execution_duration_seconds_bucket{le="60",schedule="7"} 1',
        'etl_monitor_execution_duration_seconds_bucket{le="3600",schedule="7"} 1',
        'etl_monitor_execution_duration_seconds_bucket{le="7200",schedule="7"} 2',
        'etl_monitor_execution_duration_seconds_bucket{le="+Inf",schedule="7"} 2',
        'etl_monitor_execution_duration_seconds_sum{schedule="7"} 4042',
        'etl_monitor_execution_duration_seconds_count{schedule="7"} 2',
        'etl_monitor_execution_duration_seconds_count{schedule="none"} 1',
        'etl_monitor_execution_rows_bucket{le="0",schedule="7"} 1',
        'etl_monitor_execution_rows_bucket{le="1000",schedule="7"} 1',
        'etl_monitor_execution_rows_bucket{le="10000",schedule="7"} 2',
        'etl_monitor_execution_rows_sum{schedule="7"} 1200',
        'etl_monitor_execution_rows_bucket{le="10",schedule="none"} 1',
      ]),
    );
  });

  test('start lag: scheduled time → extractor start; manual runs record none; clock skew counts as 0', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.executionStarted({ scheduledFor: new Date('2026-03-01T10:00:00Z'), startedAt: new Date('2026-03-01T10:00:07.500Z') });
    metrics.executionStarted({ scheduledFor: new Date('2026-03-01T11:00:00Z'), startedAt: new Date('2026-03-01T10:59:59Z') });
    metrics.executionStarted({ scheduledFor: null, startedAt: new Date('2026-03-01T12:00:00Z') });
    const lines = await exposition(metrics);
    expect(lines).toEqual(
      expect.arrayContaining([
        'etl_monitor_execution_start_lag_seconds_bucket{le="1"} 1',
        'etl_monitor_execution_start_lag_seconds_bucket{le="5"} 1',
        'etl_monitor_execution_start_lag_seconds_bucket{le="10"} 2',
        'etl_monitor_execution_start_lag_seconds_sum 7.5',
        'etl_monitor_execution_start_lag_seconds_count 2',
      ]),
    );
  });

  test('reconcile errors, watch restarts and leader status', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    expect(await exposition(metrics)).toContain('etl_monitor_leader 0');
    metrics.reconcileError();
    metrics.watchRestart();
    metrics.watchRestart();
    metrics.setLeader(true);
    const lines = await exposition(metrics);
    expect(lines).toEqual(expect.arrayContaining(['etl_monitor_reconcile_errors_total 1', 'etl_monitor_watch_restarts_total 2', 'etl_monitor_leader 1']));
    metrics.setLeader(false);
    expect(await exposition(metrics)).toContain('etl_monitor_leader 0');
  });

  test('default process metrics are included, registries are independent, content type is Prometheus text', async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.reconcileError();
    const exposed = await first.expose();
    expect(exposed.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(exposed.body).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(exposed.body).toContain('# TYPE nodejs_heap_size_used_bytes gauge');
    expect(exposed.body.split('\n')).toContain('etl_monitor_reconcile_errors_total 1');
    expect((await second.expose()).body.split('\n')).toContain('etl_monitor_reconcile_errors_total 0');
  });
});
