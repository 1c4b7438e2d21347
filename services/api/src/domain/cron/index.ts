export { CronError, parseCron, nextRuns, slotsBetween, shortestInterval, startingDeadlineSeconds, type CronSchedule } from './cron-expression.js';
export { previewRuns, formatWall, formatOffset, type CronPreview, type PreviewRun } from './preview.js';
export { checkTimeZone, wallTimeAt, offsetAt, instantOf, type WallTime } from './zoned-time.js';
