/**
 * scripts/helm-render against a small fixture chart whose `helm template` output is known: Helm's
 * document order (file name, then kind install order, hooks last), `# Source:` headers, skipped
 * partials/NOTES/empty files, values coalescing and --set typing, and Helm's error messages.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { buildRenderer, missingTool, REPO_ROOT, render, run } from './support/tools.js';

const skipReason = missingTool('go', 'Debian golang-go + Helm template libraries; run scripts/install-system-deps.sh');
const suite = skipReason ? describe.skip : describe;
const CHART = path.join(import.meta.dirname, 'fixtures/mini-chart');

let renderer: string;
const renderMini = (...args: string[]) => render(renderer, ['rel', CHART, '-n', 'prod', ...args]);

/** One rendered document by its kind line, e.g. `kind: Deployment`. */
function documentOf(output: string, kind: string): string {
  const doc = output.split('---\n').find((d) => d.includes(`\nkind: ${kind}\n`));
  if (!doc) throw new Error(`no ${kind} in:\n${output}`);
  return doc;
}

suite('scripts/helm-render', () => {
  beforeAll(() => {
    renderer = buildRenderer();
  });

  test('main.go is gofmt-clean', () => {
    const result = run('gofmt', ['-l', path.join(REPO_ROOT, 'scripts/helm-render')]);
    expect({ status: result.status, unformatted: result.stdout }).toEqual({ status: 0, unformatted: '' });
  });

  test('renders like helm template: order by file then kind, hooks last, comment-only docs kept', () => {
    const result = renderMini();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`---
# Source: mini/templates/namespace.yaml
apiVersion: v1
kind: Namespace
metadata:
  name: prod
---
# Source: mini/templates/all.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: demo
data:
  greeting: "hello rel"
  file: "from a file"
  template: mini/templates/all.yaml
  kube: v1.36.0
  release: "prod/Helm/1"
  lookup: "0"
---
# Source: mini/templates/all.yaml
apiVersion: v1
kind: Service
metadata:
  name: demo
spec:
  ports: []
---
# Source: mini/templates/all.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: rel-demo
  labels:
    app: demo
    team: "data"
    tier: "backend"
spec:
  replicas: 1
---
# Source: mini/templates/all.yaml
# a comment-only document is kept
---
# Source: mini/templates/hook.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: demo-hook
  annotations:
    helm.sh/hook: pre-install
`);
  });

  test('-f then --set override defaults; null deletes a default; --set types ints, bools and lists', () => {
    const result = renderMini('-f', path.join(import.meta.dirname, 'fixtures/mini-override.yaml'),
      '--set', 'replicas=3,labels.tier=null', '--set', 'ports={80,443}', '--set', 'labels.on=true');
    expect(result.stderr).toBe('');
    expect(documentOf(result.stdout, 'Deployment')).toBe(
      '# Source: mini/templates/all.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: rel-web\n' +
        '  labels:\n    app: web\n    on: "true"\n    team: "analytics"\nspec:\n  replicas: 3\n',
    );
    expect(documentOf(result.stdout, 'Service')).toContain('  ports: [80,443]\n');
  });

  test('--set-string keeps leading zeros, escaped dots stay in keys, --kube-version is reported', () => {
    const result = renderMini('--set-string', 'name=007', '--set', 'labels.team\\.io/owner=ana', '--kube-version', '1.30.2');
    expect(result.stderr).toBe('');
    expect(documentOf(result.stdout, 'Deployment')).toContain('  name: rel-007\n  labels:\n    app: 007\n    team: "data"\n    team.io/owner: "ana"\n');
    expect(documentOf(result.stdout, 'ConfigMap')).toContain('  kube: v1.30.2\n');
  });

  test('values.schema.json violations fail with Helm\'s message', () => {
    const result = renderMini('--set', 'replicas=0', '--set', 'name=');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nmini:\n" +
        '- name: String length must be greater than or equal to 1\n- replicas: Must be greater than or equal to 1\n',
    );
  });

  test('--strict turns a missing values key into an error, as helm lint --strict does', () => {
    const result = renderMini('--strict');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'Error: template: mini/templates/empty.yaml:1:14: executing "mini/templates/empty.yaml" at <.Values.enabledNowhere>: map has no entry for key "enabledNowhere"\n',
    );
  });

  test('required reports Helm\'s "execution error at (file:line:col)" with the message alone', () => {
    const result = renderMini('--set', 'enabledNowhere=true');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('Error: execution error at (mini/templates/empty.yaml:5:11): tag is required: use --set tag=...\n');
    const satisfied = renderMini('--set', 'enabledNowhere=true,tag=v1');
    expect(documentOf(satisfied.stdout, 'Secret')).toBe('# Source: mini/templates/empty.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: v1\n');
    expect(satisfied.stdout.indexOf('kind: Secret')).toBeLessThan(satisfied.stdout.indexOf('kind: ConfigMap'));
  });

  test('-s shows one template; an unknown flag or template is an error', () => {
    const one = renderMini('-s', 'templates/namespace.yaml');
    expect(one.stdout).toBe('---\n# Source: mini/templates/namespace.yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n');
    expect(renderMini('-s', 'templates/nope.yaml').stderr).toBe('Error: could not find template templates/nope.yaml in chart\n');
    expect(renderMini('--bogus').stderr).toBe('Error: unknown flag: --bogus\n');
  });
});
