// The pages' time helpers: one style everywhere (the schedule preview's "(UTC-03:00)"), and log
// line times in the viewer's zone with their milliseconds (the page names the zone once).
import { expect, test } from '@jest/globals';
import { formatLogTime, formatTime } from '../../services/api/src/entrypoints/http/pages/format.js';

const at = new Date('2026-12-04T07:50:27.972Z');

test('formatTime: wall time in the zone with the offset in the preview\'s style', () => {
  expect(formatTime(at, 'UTC')).toBe('2026-12-04 07:50:27 (UTC+00:00)');
  expect(formatTime(at, 'America/Sao_Paulo')).toBe('2026-12-04 04:50:27 (UTC-03:00)');
  expect(formatTime(at, 'Asia/Kolkata')).toBe('2026-12-04 13:20:27 (UTC+05:30)');
  expect(formatTime(new Date('2026-06-01T00:00:00Z'), 'Europe/Berlin')).toBe('2026-06-01 02:00:00 (UTC+02:00)');
  expect(formatTime(null, 'UTC')).toBe('—');
});

test('formatLogTime: the zone\'s wall time, milliseconds kept when the line has them, anything else as is', () => {
  expect(formatLogTime('2026-12-04T07:50:27.972Z', 'America/Sao_Paulo')).toBe('2026-12-04 04:50:27.972');
  expect(formatLogTime('2026-12-04T07:50:27.005123456Z', 'Europe/Berlin')).toBe('2026-12-04 08:50:27.005');
  expect(formatLogTime('2026-12-04T07:50:27Z', 'UTC')).toBe('2026-12-04 07:50:27');
  expect(formatLogTime('yesterday', 'UTC')).toBe('yesterday');
  expect(formatLogTime('2026-13-45T99:00:00Z', 'UTC')).toBe('2026-13-45T99:00:00Z');
});
