// Every route of the real Express app, read from its router stacks (Express 5: layers keep the
// mount path in `rawPath`), so a route added later shows up here without anyone listing it.
interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

export interface AppRoute {
  method: string;
  /** Full Express path, e.g. "/api/v1/schedules/:id/run". */
  path: string;
  key: string;
}

function walk(stack: Layer[], prefix: string, out: AppRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) {
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all')) {
          const path = `${prefix}${String(p)}`.replace(/\/$/, '') || '/';
          out.push({ method: method.toUpperCase(), path, key: `${method.toUpperCase()} ${path}` });
        }
      }
    } else if (Array.isArray(layer.handle.stack)) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      walk(layer.handle.stack, `${prefix}${mount}`, out);
    }
  }
}

export function appRoutes(app: unknown): AppRoute[] {
  const out: AppRoute[] = [];
  walk((app as { router: { stack: Layer[] } }).router.stack, '', out);
  const seen = new Set<string>();
  return out.filter((r) => (seen.has(r.key) ? false : (seen.add(r.key), true)));
}
