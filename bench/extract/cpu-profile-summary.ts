// Summarises a V8 .cpuprofile (from `npm run bench:extract -- --cpu-prof DIR`): the sampled time
// by area (node-firebird, the extractor's source and destination code, GC, other, idle: a sample
// counts for the nearest caller that belongs to an area) and the top N functions by self time.
//   node dist/bench/extract/cpu-profile-summary.js <file.cpuprofile> [N]
// Samples are wall-clock: time the thread spent descheduled inside a call (e.g. a socket write
// that woke the Firebird server on a busy machine) counts for that call.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, top = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile-summary <file.cpuprofile> [N]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

function area(id: number): string {
  for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
    const { functionName, url } = byId.get(current)!.callFrame;
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (url.includes('node_modules/node-firebird/')) return 'node-firebird (wire protocol, decoding, RC4)';
    if (url.includes('jobs/extract/src/source/')) return 'extractor: source (exact decoders, row conversion)';
    if (url.includes('jobs/extract/src/destination/')) return 'extractor: destination (NDJSON, chunks, BigQuery client calls)';
    if (url.includes('node_modules/')) return `other packages (${url.split('node_modules/')[1]!.split('/')[0]})`;
  }
  return 'node internals / run loop';
}

const self = new Map<string, number>();
const areas = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  const frame = byId.get(id)!.callFrame;
  const where = frame.url ? ` ${frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '')}:${frame.lineNumber + 1}` : '';
  const key = `${frame.functionName || '(anonymous)'}${where}`;
  self.set(key, (self.get(key) ?? 0) + delta);
  const a = area(id);
  areas.set(a, (areas.get(a) ?? 0) + delta);
  total += delta;
});
const idle = areas.get('idle') ?? 0;
const busy = total - idle;
process.stdout.write(`sampled ${(total / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s, busy ${(busy / 1e6).toFixed(2)} s\n\nby area (share of busy, areas under 0.5 % left out):\n`);
for (const [name, us] of [...areas.entries()].filter(([name, us]) => name !== 'idle' && us >= busy / 200).sort((a, b) => b[1] - a[1])) {
  process.stdout.write(`${((us / busy) * 100).toFixed(1).padStart(5)} %  ${(us / 1e6).toFixed(2).padStart(6)} s  ${name}\n`);
}
process.stdout.write(`\ntop ${top} functions by self time (share of busy):\n`);
for (const [key, us] of [...self.entries()].filter(([key]) => key !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  process.stdout.write(`${((us / busy) * 100).toFixed(1).padStart(5)} %  ${(us / 1e3).toFixed(0).padStart(6)} ms  ${key}\n`);
}
