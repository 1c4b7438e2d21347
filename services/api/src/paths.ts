/**
 * Locations inside the repository, the same whether the code runs from TypeScript sources (tests)
 * or from dist/ (built): views, static assets and the extractor are found from the repository root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest directory up from `from` whose package.json is this product's. */
export function repositoryRoot(from: string = import.meta.dirname): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'etl-monitor') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the etl-monitor repository root above ${from}`);
    dir = parent;
  }
}

export const paths = {
  views: () => join(repositoryRoot(), 'services', 'api', 'src', 'entrypoints', 'http', 'views'),
  publicAssets: () => join(repositoryRoot(), 'services', 'api', 'src', 'entrypoints', 'http', 'public'),
  bootstrapDist: () => join(repositoryRoot(), 'node_modules', 'bootstrap', 'dist'),
  extractorMain: () => join(repositoryRoot(), 'dist', 'jobs', 'extract', 'src', 'main.js'),
};
