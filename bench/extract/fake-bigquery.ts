// A minimal local BigQuery REST endpoint for the benchmark: the real client library and the real
// BigQueryDestination upload their NDJSON load payloads to it over HTTP, so the benchmark measures
// what the extractor really does (encode, chunk, upload), minus Google's side. It keeps nothing but
// counters: rows per load job (NDJSON lines end with "}\n"; the multipart metadata ends with "}\r\n").
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeBigQuery {
  endpoint: string;
  loadJobs(): number;
  rowsLoaded(): number;
  bytesUploaded(): number;
  largestUpload(): number;
  close(): Promise<void>;
}

const LINE_END = Buffer.from('}\n');

function countLines(body: Buffer): number {
  let n = 0;
  for (let i = body.indexOf(LINE_END); i !== -1; i = body.indexOf(LINE_END, i + 2)) n++;
  return n;
}

/** `jobLatencyMs`: a load job reports RUNNING for that long after its upload, like BigQuery's seconds per job. */
export async function startFakeBigQuery(jobLatencyMs = 0): Promise<FakeBigQuery> {
  const rowsByJob = new Map<string, number>();
  const doneAt = new Map<string, number>();
  let loaded = 0;
  let uploaded = 0;
  let largest = 0;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && /^\/upload\/bigquery\/v2\/projects\/[^/]+\/jobs$/.test(path)) {
      const jobId = /"jobId":"([^"]+)"/.exec(body.subarray(0, 4096).toString('utf8'))?.[1] ?? `load${rowsByJob.size + 1}`;
      const rows = countLines(body);
      rowsByJob.set(jobId, rows);
      doneAt.set(jobId, Date.now() + jobLatencyMs);
      loaded += rows;
      uploaded += body.length;
      largest = Math.max(largest, body.length);
      return json(res, 200, { jobReference: { projectId: 'bench', jobId }, status: { state: 'RUNNING' } });
    }
    if (req.method === 'GET' && /\/jobs\/[^/]+$/.test(path)) {
      const jobId = decodeURIComponent(path.split('/').at(-1)!);
      const rows = rowsByJob.get(jobId);
      if ((doneAt.get(jobId) ?? 0) > Date.now()) return json(res, 200, { jobReference: { projectId: 'bench', jobId }, status: { state: 'RUNNING' } });
      return json(res, 200, { jobReference: { projectId: 'bench', jobId }, status: { state: 'DONE' }, ...(rows !== undefined ? { statistics: { load: { outputRows: String(rows) } } } : {}) });
    }
    if (req.method === 'POST' && /\/projects\/[^/]+\/jobs$/.test(path)) {
      const request = JSON.parse(body.toString('utf8')) as { jobReference?: { jobId?: string } };
      return json(res, 200, { jobReference: { projectId: 'bench', jobId: request.jobReference?.jobId ?? 'job' }, status: { state: 'DONE' } });
    }
    if (req.method === 'POST' && /\/datasets\/[^/]+\/tables$/.test(path)) return json(res, 200, JSON.parse(body.toString('utf8')));
    if (req.method === 'GET' && /\/tables\/[^/]+$/.test(path)) return json(res, 404, { error: { code: 404, message: 'Not found: Table' } });
    if (req.method === 'DELETE') {
      res.writeHead(204);
      return res.end();
    }
    return json(res, 400, { error: { code: 400, message: `fake BigQuery: unexpected ${req.method} ${path}` } });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    loadJobs: () => rowsByJob.size,
    rowsLoaded: () => loaded,
    bytesUploaded: () => uploaded,
    largestUpload: () => largest,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
