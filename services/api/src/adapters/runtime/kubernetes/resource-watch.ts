/**
 * List-then-watch for one resource kind, kept alive: a dropped watch restarts from the last
 * resourceVersion seen (events or bookmarks); `410 Gone` (history compacted) triggers a fresh
 * list. Handlers run one at a time in arrival order.
 */
import type { KubernetesObject, Watch } from '@kubernetes/client-node';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchedList<T> {
  items: T[];
  metadata?: { resourceVersion?: string };
}

export interface ResourceWatchOptions<T extends KubernetesObject> {
  /** Collection path, e.g. /apis/batch/v1/namespaces/jobs/jobs */
  path: string;
  labelSelector: string;
  list(): Promise<WatchedList<T>>;
  /** The complete current state after a (re)list. */
  onSync(items: T[]): Promise<void> | void;
  onEvent(type: WatchEventType, object: T): Promise<void> | void;
  onError?(error: unknown): void;
  /** Delay before restarting a failed watch or list (grows up to 30 s on repeated failures). */
  retryDelayMs?: number;
}

export interface ResourceWatchStats {
  lists: number;
  watches: number;
  expired: number;
}

const GONE = 410;
const MAX_RETRY_DELAY_MS = 30_000;

function isGone(error: unknown): boolean {
  const e = error as { statusCode?: number; code?: number } | null;
  return e?.statusCode === GONE || e?.code === GONE;
}

export class ResourceWatch<T extends KubernetesObject> {
  private resourceVersion: string | undefined;
  private abort: AbortController | undefined;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private queue: Promise<void> = Promise.resolve();
  readonly stats: ResourceWatchStats = { lists: 0, watches: 0, expired: 0 };

  constructor(
    private readonly watch: Watch,
    private readonly options: ResourceWatchOptions<T>,
  ) {}

  /** Lists once (errors propagate to the caller), then keeps watching until stop(). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.relist();
    await this.openWatch();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort?.abort();
    this.abort = undefined;
    await this.queue;
  }

  /** Resolves when every event received so far has been handled (for tests). */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(task: () => Promise<void> | void): void {
    this.queue = this.queue.then(task).catch((error: unknown) => this.options.onError?.(error));
  }

  private async relist(): Promise<void> {
    this.stats.lists++;
    const list = await this.options.list();
    this.resourceVersion = list.metadata?.resourceVersion;
    const items = list.items;
    this.enqueue(() => this.options.onSync(items));
    await this.queue;
  }

  private async openWatch(): Promise<void> {
    if (this.stopped) return;
    this.stats.watches++;
    let expired = false;
    let received = false;
    const onEvent = (type: string, object: T & { code?: number }) => {
      received = true;
      if (type === 'BOOKMARK') {
        this.resourceVersion = object.metadata?.resourceVersion ?? this.resourceVersion;
        return;
      }
      if (type === 'ERROR') {
        expired = object.code === GONE;
        if (!expired) this.options.onError?.(new Error(`watch ${this.options.path} error event: ${JSON.stringify(object)}`));
        return;
      }
      this.failures = 0;
      this.resourceVersion = object.metadata?.resourceVersion ?? this.resourceVersion;
      this.enqueue(() => this.options.onEvent(type as WatchEventType, object));
    };
    const onDone = (error: unknown) => {
      if (this.stopped) return;
      if (error && !isGone(error) && (error as Error).name !== 'AbortError') this.options.onError?.(error);
      // A watch that closes without delivering anything counts as a failure, so a server that
      // keeps hanging up immediately is retried with backoff instead of in a tight loop.
      this.scheduleRestart(expired || isGone(error), Boolean(error) || !received);
    };
    try {
      this.abort = await this.watch.watch(
        this.options.path,
        { labelSelector: this.options.labelSelector, resourceVersion: this.resourceVersion, allowWatchBookmarks: true },
        onEvent,
        onDone,
      );
    } catch (error) {
      onDone(error);
    }
  }

  private scheduleRestart(relist: boolean, failed: boolean): void {
    if (relist) this.stats.expired++;
    this.failures = failed ? this.failures + 1 : 0;
    const base = this.options.retryDelayMs ?? 1000;
    const delay = this.failures === 0 ? 0 : Math.min(MAX_RETRY_DELAY_MS, base * 2 ** (this.failures - 1));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const restart = async () => {
        if (relist) await this.relist();
        await this.openWatch();
      };
      restart().catch((error: unknown) => {
        this.options.onError?.(error);
        if (!this.stopped) this.scheduleRestart(relist, true);
      });
    }, delay);
  }
}
