/** The deploy tests' validators must catch what they claim to catch, or a green chart test means nothing. */
import { describe, expect, test } from '@jest/globals';
import { conventionProblems, K8sObject, referencedSecrets, schemaProblemsOfAll, securityProblems } from './support/k8s-checks.js';

function deployment(container: Record<string, unknown>, podSecurity: Record<string, unknown> = {}, replicas: unknown = 2): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', labels: { 'app.kubernetes.io/name': 'etl-monitor' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'x' } },
      template: { metadata: { labels: { app: 'x' } }, spec: { securityContext: podSecurity, containers: [{ name: 'c', ...container }] } },
    },
  };
}

const RESTRICTED = {
  image: 'repo/api:1.0.0',
  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
};
const RESTRICTED_POD = { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } };

describe('deploy validators', () => {
  test('a restricted, well-formed Deployment has no problems', async () => {
    const obj = deployment(RESTRICTED, RESTRICTED_POD);
    expect(await schemaProblemsOfAll([obj])).toEqual([]);
    expect([...conventionProblems(obj), ...securityProblems(obj)]).toEqual([]);
  });

  test('kubernetes-models rejects a string replica count', async () => {
    expect(await schemaProblemsOfAll([deployment(RESTRICTED, RESTRICTED_POD, '2')])).toEqual([
      'apps/v1/Deployment api: data/spec/replicas must be integer',
    ]);
  });

  test('missing image, :latest, bad names and label values are reported', () => {
    const noImage = deployment({ ...RESTRICTED, image: undefined }, RESTRICTED_POD);
    expect(conventionProblems(noImage)).toEqual(['Deployment api/c: container image missing']);
    const latest = deployment({ ...RESTRICTED, image: 'repo/api:latest' }, RESTRICTED_POD);
    expect(conventionProblems(latest)).toEqual(['Deployment api/c: image repo/api:latest must carry a pinned tag']);
    const badName: K8sObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: '1-Api', labels: { team: 'a b' } } };
    expect(conventionProblems(badName)).toEqual([
      'Service 1-Api: metadata.name is not a valid DNS name',
      'Service 1-Api: invalid value for label team: "a b"',
    ]);
  });

  test('each restricted security rule is enforced', () => {
    expect(securityProblems(deployment({ image: 'repo/api:1' }, {}))).toEqual([
      'Deployment api: pod securityContext.runAsNonRoot must be true',
      'Deployment api/c: seccompProfile must be RuntimeDefault',
      'Deployment api/c: allowPrivilegeEscalation must be false',
      'Deployment api/c: readOnlyRootFilesystem must be true',
      'Deployment api/c: capabilities must drop ALL',
    ]);
  });

  test('secret references come from secretKeyRef and envFrom', () => {
    const obj = deployment({
      ...RESTRICTED,
      env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's1', key: 'k' } } }, { name: 'B', value: 'x' }],
      envFrom: [{ secretRef: { name: 's2' } }],
    });
    expect(referencedSecrets(obj)).toEqual(['s1', 's2']);
  });
});
