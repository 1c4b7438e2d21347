/**
 * Every object is checked before it is sent: the Kubernetes OpenAPI schema (kubernetes-models)
 * plus what the schema cannot express — an image must be set, the cron expression must parse the
 * way the CronJob controller parses it, and the time zone must be a real IANA zone.
 */
import type { KubernetesObject, V1CronJob, V1Job, V1PodTemplateSpec } from '@kubernetes/client-node';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Lease } from 'kubernetes-models/coordination.k8s.io/v1/Lease';
import { CronError, parseCron } from '../../../domain/cron/index.js';

export class InvalidObjectError extends Error {
  override name = 'InvalidObjectError';
}

function describe(object: KubernetesObject): string {
  return `${object.kind ?? 'object'} ${object.metadata?.name ?? '(unnamed)'}`;
}

function schemaCheck(object: KubernetesObject): void {
  // kubernetes-models classes validate against the OpenAPI schema of the same API version.
  const models: Record<string, new (data: never) => { validate(): void }> = { CronJob, Job, Secret, Lease };
  const Model = object.kind ? models[object.kind] : undefined;
  if (!Model) throw new InvalidObjectError(`no schema to validate ${describe(object)} against`);
  try {
    // Validate the wire form (Dates become strings exactly as the client serialises them).
    new Model(JSON.parse(JSON.stringify(object)) as never).validate();
  } catch (err) {
    throw new InvalidObjectError(`${describe(object)} is invalid: ${(err as Error).message}`);
  }
}

function checkImages(object: KubernetesObject, template: V1PodTemplateSpec | undefined): void {
  const containers = template?.spec?.containers ?? [];
  if (containers.length === 0) throw new InvalidObjectError(`${describe(object)} has no container`);
  for (const container of containers) {
    if (!container.image || container.image.trim() === '') {
      throw new InvalidObjectError(`${describe(object)}: container "${container.name}" has no image; set ETL_EXTRACTOR_IMAGE`);
    }
  }
}

export function validateCronJob(cronJob: V1CronJob): V1CronJob {
  schemaCheck(cronJob);
  const spec = cronJob.spec!;
  if (!spec.timeZone) throw new InvalidObjectError(`${describe(cronJob)} has no time zone`);
  try {
    parseCron(spec.schedule, spec.timeZone);
  } catch (err) {
    if (err instanceof CronError) throw new InvalidObjectError(`${describe(cronJob)}: ${err.message}`);
    throw err;
  }
  checkImages(cronJob, spec.jobTemplate.spec?.template);
  return cronJob;
}

export function validateJob(job: V1Job): V1Job {
  schemaCheck(job);
  checkImages(job, job.spec?.template);
  return job;
}

export function validateSchema<T extends KubernetesObject>(object: T): T {
  schemaCheck(object);
  return object;
}
