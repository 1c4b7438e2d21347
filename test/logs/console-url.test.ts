import { expect, test } from '@jest/globals';
import { cloudLoggingConsoleUrl } from '../../services/api/src/adapters/logs/cloud-logging-query.js';

const window = { from: new Date('2026-03-01T09:55:00.000Z'), to: new Date('2026-03-01T10:25:00.000Z') };

test('Open in Cloud Logging: query selects the execution by label on k8s_container, time range from/to, project', () => {
  expect(cloudLoggingConsoleUrl('acme-data', 'x-20260301-1', window)).toBe(
    'https://console.cloud.google.com/logs/query' +
      ';query=resource.type%3D%22k8s_container%22%0Alabels.etl_monitor_execution%3D%22x-20260301-1%22' +
      ';timeRange=2026-03-01T09%3A55%3A00.000Z%2F2026-03-01T10%3A25%3A00.000Z' +
      '?project=acme-data',
  );
});

test('the namespace line narrows the query; URL-special characters in values are escaped', () => {
  const url = cloudLoggingConsoleUrl('acme-data', 'a;b(c)', window, { namespace: 'etl-jobs' });
  expect(url).toBe(
    'https://console.cloud.google.com/logs/query' +
      ';query=resource.type%3D%22k8s_container%22%0Aresource.labels.namespace_name%3D%22etl-jobs%22%0Alabels.etl_monitor_execution%3D%22a%3Bb%28c%29%22' +
      ';timeRange=2026-03-01T09%3A55%3A00.000Z%2F2026-03-01T10%3A25%3A00.000Z' +
      '?project=acme-data',
  );
  // Decoding the query parameter gives back the exact query text, one clause per line.
  const query = decodeURIComponent(/;query=([^;?]*)/.exec(url)![1]!);
  expect(query).toBe('resource.type="k8s_container"\nresource.labels.namespace_name="etl-jobs"\nlabels.etl_monitor_execution="a;b(c)"');
});
