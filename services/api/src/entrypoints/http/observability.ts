/** Access log (Cloud Logging `httpRequest` + trace), /healthz, /readyz and /metrics. */
import type { Express, NextFunction, Request, Response } from 'express';
import { accessLogEntry } from '../../adapters/logs/access-log.js';
import type { Logger } from '../../adapters/logs/logger.js';
import type { ControlPlaneMetrics } from '../../adapters/metrics/metrics.js';
import type { ReadinessReport } from '../../bootstrap/control-plane.js';

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/** One access log line per request, written when the response is finished (or the client went away). */
export function accessLog(log: Logger, projectId: string | undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      // Successful probe and scrape requests every few seconds would drown the rest.
      if (PROBES.has(req.path) && res.statusCode < 400) return;
      log.emit(accessLogEntry(req, res, Number(process.hrtime.bigint() - started) / 1e6, projectId ? { projectId } : {}));
    };
    res.once('finish', write);
    res.once('close', write);
    next();
  };
}

export interface ProbeOptions {
  readiness?: () => Promise<ReadinessReport>;
  checkReady(): Promise<void>;
  metrics?: ControlPlaneMetrics;
}

export function mountProbes(app: Express, options: ProbeOptions): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (options.readiness) {
      const report = await options.readiness();
      res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not-ready', checks: report.checks });
      return;
    }
    try {
      await options.checkReady();
      res.json({ status: 'ready' });
    } catch (err) {
      res.status(503).json({ status: 'not-ready', reason: (err as Error).message });
    }
  });
  const metrics = options.metrics;
  if (metrics) {
    app.get('/metrics', async (_req, res) => {
      const { contentType, body } = await metrics.expose();
      res.type(contentType).send(body);
    });
  }
}
