/**
 * Leader election over a coordination.k8s.io/v1 Lease (the client-go algorithm, small): the
 * holder renews `renewTime`; another replica may take the Lease once `renewTime +
 * leaseDurationSeconds` has passed without renewal. Writes use the Lease's resourceVersion, so
 * two replicas racing for an expired Lease cannot both win (the loser gets 409).
 * Only the leader reconciles and watches; every replica serves HTTP.
 */
import { V1MicroTime, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { apiError, isConflict, isNotFound } from './api-errors.js';
import type { Clock, RuntimeLogger } from './kubernetes-runtime.js';
import { validateSchema } from './validate.js';

export interface LeaderElectorOptions {
  coordination: CoordinationV1Api;
  namespace: string;
  /** ETL_LEADER_LEASE */
  leaseName: string;
  /** POD_NAME */
  identity: string;
  leaseDurationSeconds?: number;
  /** How often the holder renews and the others retry. */
  retryPeriodMs?: number;
  clock?: Clock;
  logger?: RuntimeLogger;
  onStartedLeading(): Promise<void> | void;
  onStoppedLeading(): Promise<void> | void;
}

const micro = (date: Date): V1MicroTime => new V1MicroTime(date.getTime());
const asTime = (value: unknown): number | undefined => (value ? new Date(value as string | Date).getTime() : undefined);

export class LeaderElector {
  private leading = false;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<void> | undefined;
  private readonly clock: Clock;
  private readonly durationSeconds: number;

  constructor(private readonly options: LeaderElectorOptions) {
    this.clock = options.clock ?? { now: () => new Date() };
    this.durationSeconds = options.leaseDurationSeconds ?? 15;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts the acquire/renew loop. */
  start(): void {
    this.running = true;
    const loop = async () => {
      if (!this.running) return;
      this.inFlight = this.step().then(() => undefined);
      await this.inFlight;
      if (this.running) this.timer = setTimeout(() => void loop(), this.options.retryPeriodMs ?? 5000);
    };
    void loop();
  }

  /** Stops the loop; a leader gives the Lease up so another replica can take over at once. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    // A round still in flight could re-acquire the Lease right after we release it (it reads an
    // empty holder): let it finish first.
    await this.inFlight;
    if (!this.leading) return;
    await this.release().catch((error: unknown) => this.options.logger?.warn('could not release the leader Lease', { error: String(error) }));
    await this.changeLeadership(false);
  }

  /** One acquire-or-renew round; notifies on leadership changes. Exposed for tests with a fake clock. */
  async step(): Promise<boolean> {
    let leader: boolean;
    try {
      leader = await this.tryAcquireOrRenew();
    } catch (error) {
      this.options.logger?.warn('leader election round failed', { error: String((error as Error).message ?? error) });
      // Cannot tell whether we still hold the Lease: stop acting as leader once it would have expired.
      leader = false;
    }
    await this.changeLeadership(leader);
    return leader;
  }

  private async changeLeadership(leader: boolean): Promise<void> {
    if (leader === this.leading) return;
    this.leading = leader;
    if (leader) await this.options.onStartedLeading();
    else await this.options.onStoppedLeading();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { coordination, namespace, leaseName: name, identity } = this.options;
    const now = this.clock.now();
    let lease: V1Lease;
    try {
      lease = await coordination.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (!isNotFound(error)) throw apiError(`read Lease ${name}`, error);
      const body: V1Lease = validateSchema({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace },
        spec: { holderIdentity: identity, leaseDurationSeconds: this.durationSeconds, acquireTime: micro(now), renewTime: micro(now), leaseTransitions: 0 },
      });
      return this.write(() => coordination.createNamespacedLease({ namespace, body }), name);
    }
    const spec = lease.spec ?? {};
    if (spec.holderIdentity === identity) {
      const body: V1Lease = { ...lease, spec: { ...spec, renewTime: micro(now), leaseDurationSeconds: this.durationSeconds } };
      return this.write(() => coordination.replaceNamespacedLease({ name, namespace, body }), name);
    }
    const renewedAt = asTime(spec.renewTime);
    const duration = (spec.leaseDurationSeconds ?? this.durationSeconds) * 1000;
    const expired = !spec.holderIdentity || renewedAt === undefined || renewedAt + duration <= now.getTime();
    if (!expired) return false;
    const body: V1Lease = {
      ...lease,
      spec: { ...spec, holderIdentity: identity, leaseDurationSeconds: this.durationSeconds, acquireTime: micro(now), renewTime: micro(now), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 },
    };
    return this.write(() => coordination.replaceNamespacedLease({ name, namespace, body }), name);
  }

  private async write(send: () => Promise<V1Lease>, name: string): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      if (isConflict(error)) return false; // someone else wrote first
      throw apiError(`write Lease ${name}`, error);
    }
  }

  private async release(): Promise<void> {
    const { coordination, namespace, leaseName: name, identity } = this.options;
    const lease = await coordination.readNamespacedLease({ name, namespace });
    if (lease.spec?.holderIdentity !== identity) return;
    await coordination.replaceNamespacedLease({ name, namespace, body: { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } } });
  }
}
