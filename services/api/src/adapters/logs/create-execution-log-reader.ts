/**
 * Picks the execution log reader from the control plane's settings (ETL_RUNTIME,
 * ETL_LOGS_BACKEND, GOOGLE_CLOUD_PROJECT, ETL_NAMESPACE), so the wiring code has one call.
 */
import { CloudLoggingLogReader } from './cloud-logging-reader.js';
import { CompositeLogReader, type LiveLogSource } from './composite-log-reader.js';
import type { ExecutionLogReader } from './log-reader.js';

export interface ExecutionLogReaderSettings {
  runtime: 'local' | 'kubernetes';
  logsBackend: 'local' | 'cloud-logging';
  googleCloudProject?: string;
  /** Namespace of the extractor pods. */
  namespace?: string;
  /** Captured output (local) or pod log (Kubernetes); `undefined` when there is none any more. */
  live: LiveLogSource;
  /** Credentials other than Application Default Credentials (tests). */
  authClient?: object;
}

export function createExecutionLogReader(settings: ExecutionLogReaderSettings): ExecutionLogReader {
  const archive =
    settings.logsBackend === 'cloud-logging' && settings.googleCloudProject
      ? new CloudLoggingLogReader({
          projectId: settings.googleCloudProject,
          ...(settings.namespace ? { namespace: settings.namespace } : {}),
          ...(settings.authClient ? { authClient: settings.authClient } : {}),
        })
      : undefined;
  return new CompositeLogReader({
    live: settings.live,
    liveSource: settings.runtime === 'kubernetes' ? 'pod' : 'local',
    ...(archive ? { archive } : {}),
  });
}
