import { describe, expect, test } from '@jest/globals';
import { buildCronJob, buildRunJob, specHash } from '../../services/api/src/adapters/runtime/kubernetes/objects.js';
import { InvalidObjectError, validateCronJob, validateJob } from '../../services/api/src/adapters/runtime/kubernetes/validate.js';
import { ObjectNameError } from '../../services/api/src/adapters/runtime/kubernetes/names.js';
import { KubernetesConfigError, kubernetesSettingsFromEnv } from '../../services/api/src/adapters/runtime/kubernetes/config.js';
import { manualRun, schedule, testSettings } from './support.js';

const timing = { startingDeadlineSeconds: 3600 };
const gated = { suspendScheduledRuns: true };

describe('CronJob builder', () => {
  const cronJob = buildCronJob(schedule('s1', { active: false }), testSettings(), timing, gated);

  test('schedule fields, Forbid, suspend = !active, deadline, history limits', () => {
    expect(cronJob.metadata!.name).toBe('etl-s-s1');
    expect(cronJob.metadata!.namespace).toBe('etl-jobs');
    const { jobTemplate, ...spec } = cronJob.spec!;
    expect(spec).toEqual({
      schedule: '0 3 * * *',
      timeZone: 'America/Sao_Paulo',
      concurrencyPolicy: 'Forbid',
      suspend: true,
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    expect(jobTemplate.spec!.suspend).toBe(true);
  });

  test('labels and annotations per CONTRACTS.md on CronJob, Job template and pod template', () => {
    const labels = {
      'app.kubernetes.io/managed-by': 'etl-monitor',
      'app.kubernetes.io/name': 'etl-monitor',
      'app.kubernetes.io/component': 'extractor',
      'etl-monitor/schedule': 's1',
    };
    const annotations = {
      'etl-monitor/schedule-name': 'Schedule s1',
      'etl-monitor/source': 'ERP',
      'etl-monitor/script': 'Customers',
      'etl-monitor/destination': 'bq customers',
      'etl-monitor/triggered-by': 'scheduler',
    };
    expect(cronJob.metadata!.labels).toEqual(labels);
    expect(cronJob.metadata!.annotations).toEqual({ ...annotations, 'etl-monitor/spec-hash': specHash(cronJob) });
    expect(cronJob.spec!.jobTemplate.metadata).toEqual({ labels, annotations });
    expect(cronJob.spec!.jobTemplate.spec!.template.metadata).toEqual({ labels, annotations });
  });

  test('Job template: retries, podFailurePolicy from exit codes, deadline, ttl', () => {
    const { template, ...job } = cronJob.spec!.jobTemplate.spec!;
    expect(job).toEqual({
      backoffLimit: 2,
      activeDeadlineSeconds: 3600,
      ttlSecondsAfterFinished: 86400,
      suspend: true,
      podFailurePolicy: {
        rules: [
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
          { action: 'FailJob', onExitCodes: { containerName: 'extractor', operator: 'In', values: [65, 70, 78] } },
        ],
      },
    });
    const pod = template.spec!;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.serviceAccountName).toBe('etl-extractor');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    const container = pod.containers[0]!;
    expect(container.name).toBe('extractor');
    expect(container.image).toBe('registry.example/etl/extractor:1.2.3');
    expect(container.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
  });

  test('env: job spec JSON, password only by secretKeyRef, run name from the downward API, no execution id', () => {
    const env = cronJob.spec!.jobTemplate.spec!.template.spec!.containers[0]!.env!;
    expect(env.map((e) => e.name)).toEqual(['ETL_JOB_SPEC', 'ETL_SOURCE_PASSWORD', 'ETL_RUN_NAME']);
    expect(JSON.parse(env[0]!.value!)).toEqual(schedule('s1').template.spec);
    expect(env[1]).toEqual({ name: 'ETL_SOURCE_PASSWORD', valueFrom: { secretKeyRef: { name: 'etl-source-src1', key: 'password' } } });
    expect(env[2]).toEqual({ name: 'ETL_RUN_NAME', valueFrom: { fieldRef: { fieldPath: "metadata.labels['job-name']" } } });
  });

  test('the hash changes with the spec and only with it', () => {
    const again = buildCronJob(schedule('s1', { active: false }), testSettings(), timing, gated);
    const edited = buildCronJob(schedule('s1', { active: false, cron: '0 4 * * *' }), testSettings(), timing, gated);
    expect(again.metadata!.annotations!['etl-monitor/spec-hash']).toBe(cronJob.metadata!.annotations!['etl-monitor/spec-hash']);
    expect(edited.metadata!.annotations!['etl-monitor/spec-hash']).not.toBe(cronJob.metadata!.annotations!['etl-monitor/spec-hash']);
  });

  test('passes kubernetes-models schema validation', () => {
    expect(validateCronJob(cronJob)).toBe(cronJob);
  });
});

describe('manual and ad-hoc Jobs', () => {
  test('manual Job: same template as the CronJob plus execution label, env and triggered-by', () => {
    const cronJob = buildCronJob(schedule('s1'), testSettings(), timing, { suspendScheduledRuns: false });
    const job = buildRunJob(manualRun('e42', 's1'), testSettings());
    expect(job.metadata!.name).toBe('etl-x-e42');
    expect(job.metadata!.labels).toEqual({ ...cronJob.metadata!.labels, 'etl-monitor/execution': 'e42' });
    expect(job.metadata!.annotations!['etl-monitor/triggered-by']).toBe('ana@example.com');
    expect(job.metadata!.annotations!['cronjob.kubernetes.io/instantiate']).toBe('manual');
    const { template: jobPod, ...jobRest } = job.spec!;
    const { template: cronPod, ...cronRest } = cronJob.spec!.jobTemplate.spec!;
    expect(jobRest).toEqual(cronRest);
    const jobEnv = jobPod.spec!.containers[0]!.env!;
    expect(jobEnv.at(-1)).toEqual({ name: 'ETL_EXECUTION_ID', value: 'e42' });
    expect({ ...jobPod.spec!, containers: [{ ...jobPod.spec!.containers[0]!, env: jobEnv.slice(0, -1) }] }).toEqual(cronPod.spec);
    expect(validateJob(job)).toBe(job);
  });

  test('ad-hoc Job has no schedule label', () => {
    const job = buildRunJob(manualRun('e43', null), testSettings());
    expect(job.metadata!.labels!['etl-monitor/schedule']).toBeUndefined();
    expect(job.metadata!.labels!['etl-monitor/execution']).toBe('e43');
    expect(job.metadata!.annotations!['etl-monitor/schedule-name']).toBe('Nightly customers');
  });
});

describe('validation before anything is sent', () => {
  test('empty image is refused with the setting to fix', () => {
    const job = buildRunJob(manualRun('e1'), testSettings({ extractorImage: '' }));
    expect(() => validateJob(job)).toThrow(new InvalidObjectError('Job etl-x-e1: container "extractor" has no image; set ETL_EXTRACTOR_IMAGE'));
  });

  test('schema errors are named by path', () => {
    const cronJob = buildCronJob(schedule('s1'), testSettings(), timing, gated);
    (cronJob.spec as { concurrencyPolicy: string }).concurrencyPolicy = 'Never';
    expect(() => validateCronJob(cronJob)).toThrow(/CronJob etl-s-s1 is invalid: .*concurrencyPolicy must be equal to one of the allowed values/);
  });

  test('cron syntax, TZ= prefixes and unknown zones are refused', () => {
    const bad = (overrides: Parameters<typeof schedule>[1]) => validateCronJob(buildCronJob(schedule('s1', overrides), testSettings(), timing, gated));
    expect(() => bad({ cron: 'every day' })).toThrow(/CronJob etl-s-s1: expected exactly 5 fields/);
    expect(() => bad({ cron: 'CRON_TZ=UTC 0 3 * * *' })).toThrow(/CronJob etl-s-s1: TZ= and CRON_TZ= prefixes are not allowed/);
    expect(() => bad({ timeZone: 'Europe/Berlim' })).toThrow(/CronJob etl-s-s1: "Europe\/Berlim" is not an IANA time zone/);
  });

  test('names must be DNS-safe', () => {
    expect(() => buildRunJob(manualRun('E_1'), testSettings())).toThrow(ObjectNameError);
  });

  test('settings from the environment: image required, namespace from POD_NAMESPACE', () => {
    expect(() => kubernetesSettingsFromEnv({ ETL_NAMESPACE: 'x' })).toThrow(KubernetesConfigError);
    const settings = kubernetesSettingsFromEnv({ ETL_EXTRACTOR_IMAGE: 'img:1', POD_NAMESPACE: 'etl', POD_NAME: 'api-0', ETL_JOB_MEMORY_LIMIT: '1Gi' });
    expect(settings.namespace).toBe('etl');
    expect(settings.leaderLease).toBe('etl-monitor-leader');
    expect(settings.podName).toBe('api-0');
    expect(settings.resources).toEqual({ cpuRequest: '250m', memoryRequest: '256Mi', memoryLimit: '1Gi' });
  });
});
