/**
 * Source passwords as Kubernetes Secrets `etl-source-<sourceId>` (key `password`), written with
 * server-side apply. The control plane's Role allows create/patch/delete on secrets but not
 * get/list/watch: it can write a password, never read one back.
 *
 * `put`/`remove` match the control plane's SecretWriter port (domain/ports.ts). One key per
 * Secret: an apply owns the whole `stringData`, so a second key would replace the first.
 */
import { PatchStrategy, setHeaderOptions, type CoreV1Api, type V1Secret } from '@kubernetes/client-node';
import type { SecretRef } from '../../../domain/runtime/runtime.js';
import { ENV } from '../../../../../../jobs/contract/src/job-spec.js';
import { KubernetesApiError, apiError, isNotFound } from './api-errors.js';
import { BASE_LABELS, FIELD_MANAGER, sourceSecretName } from './names.js';
import { validateSchema } from './validate.js';

export const PASSWORD_KEY = 'password';

export class SecretWriter {
  constructor(
    private readonly core: CoreV1Api,
    private readonly namespace: string,
  ) {}

  /** The reference a run template carries for this source (env ETL_SOURCE_PASSWORD from secretKeyRef). */
  static refFor(sourceId: string): SecretRef {
    return { env: ENV.sourcePassword, name: sourceSecretName(sourceId), key: PASSWORD_KEY };
  }

  async writeSourcePassword(sourceId: string, password: string): Promise<SecretRef> {
    await this.put(sourceSecretName(sourceId), PASSWORD_KEY, password);
    return SecretWriter.refFor(sourceId);
  }

  async deleteSourcePassword(sourceId: string): Promise<void> {
    await this.remove(sourceSecretName(sourceId));
  }

  /** Server-side applies Secret `name` holding exactly `{ [key]: value }`. */
  async put(name: string, key: string, value: string): Promise<void> {
    const body: V1Secret = validateSchema({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: this.namespace, labels: { ...BASE_LABELS, 'app.kubernetes.io/component': 'credentials' } },
      type: 'Opaque',
      stringData: { [key]: value },
    });
    try {
      await this.core.patchNamespacedSecret(
        { name, namespace: this.namespace, body, fieldManager: FIELD_MANAGER, force: true },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      );
    } catch (error) {
      // The client's error text can echo the request; keep only status and reason.
      const wrapped = apiError(`apply Secret ${name}`, error);
      throw new KubernetesApiError(`apply Secret ${name}: ${wrapped.status ?? 'network error'} ${wrapped.reason ?? ''}`.trim(), wrapped.status, wrapped.reason);
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await this.core.deleteNamespacedSecret({ name, namespace: this.namespace });
    } catch (error) {
      if (!isNotFound(error)) throw apiError(`delete Secret ${name}`, error);
    }
  }
}
