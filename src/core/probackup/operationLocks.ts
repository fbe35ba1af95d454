// One operation at a time per instance from this window: a second command on the same
// instance is refused with the name of the one that runs. Locks of other processes are
// pg_probackup's own (its `locked` error code).

export interface HeldLock {
  readonly key: string;
  readonly what: string;
  release(): void;
}

export class OperationLocks {
  private readonly held = new Map<string, string>();

  static key(catalog: string, instance: string | undefined): string {
    return `${catalog}\u0000${instance ?? '*'}`;
  }

  /** What runs on the key now, if anything. A catalog-wide key conflicts with every instance of it. */
  busyWith(key: string): string | undefined {
    const direct = this.held.get(key);
    if (direct !== undefined) return direct;
    const [catalog, instance] = key.split('\u0000');
    for (const [k, what] of this.held) {
      const [c, i] = k.split('\u0000');
      if (c === catalog && (i === '*' || instance === '*')) return what;
    }
    return undefined;
  }

  tryAcquire(key: string, what: string): HeldLock | { readonly busyWith: string } {
    const busy = this.busyWith(key);
    if (busy !== undefined) return { busyWith: busy };
    this.held.set(key, what);
    let released = false;
    return {
      key,
      what,
      release: () => {
        if (!released && this.held.get(key) === what) this.held.delete(key);
        released = true;
      },
    };
  }
}
