/**
 * Just enough API discovery for kubectl (legacy, non-aggregated: /version, /api, /apis and one
 * APIResourceList per group version), so scripts/k8s-smoke.sh can run its kubectl checks against
 * the fake API server. The client library never asks for these.
 */
export interface DiscoverableResource {
  plural: string;
  kind: string;
  apiVersion: string;
  /** Cluster-scoped resources (namespaces) have no namespace in their path. */
  clusterScoped?: boolean;
  shortNames?: string[];
}

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const versionOf = (apiVersion: string) => apiVersion.split('/').at(-1)!;

export function discovery(pathname: string, resources: readonly DiscoverableResource[]): unknown | undefined {
  if (pathname === '/version') {
    return { major: '1', minor: '31', gitVersion: 'v1.31.0-etl-monitor-fake', platform: 'linux/amd64' };
  }
  if (pathname === '/api') {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
  }
  if (pathname === '/apis') {
    const groupVersions = [...new Set(resources.map((r) => r.apiVersion).filter((v) => v.includes('/')))];
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groupVersions.map((groupVersion) => {
        const version = { groupVersion, version: versionOf(groupVersion) };
        return { name: groupOf(groupVersion), versions: [version], preferredVersion: version };
      }),
    };
  }
  const groupVersion = pathname === '/api/v1' ? 'v1' : /^\/apis\/([^/]+\/[^/]+)$/.exec(pathname)?.[1];
  if (!groupVersion) return undefined;
  const listed = resources.filter((r) => r.apiVersion === groupVersion);
  if (listed.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: listed.flatMap((r) => [
      { name: r.plural, singularName: r.kind.toLowerCase(), namespaced: !r.clusterScoped, kind: r.kind, verbs: VERBS, ...(r.shortNames ? { shortNames: r.shortNames } : {}) },
      ...(r.plural === 'pods' ? [{ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] }] : []),
    ]),
  };
}
