import { Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-codec';
import { clientMeter, type SseStoreMeter } from 'sse-rx-server';

/**
 * The meters (see `clientMeter` of sse-rx-server) of the registries whose streams a store serves
 * now, each once however many of its streams: the read loop reports a live event's lag once per
 * registry, and not at all while no stream has a registry.
 */
export class StoreMeters {
  private readonly joined = new Map<SseStoreMeter, number>();

  /** How many registries' meters are joined. */
  get size(): number {
    return this.joined.size;
  }

  /** `source$`, with the meter of the client subscribing to it (if any) joined while it is subscribed. */
  watch(source$: Observable<SseMessage>): Observable<SseMessage> {
    return new Observable<SseMessage>((subscriber) => {
      const meter = clientMeter();
      if (meter) this.joined.set(meter, (this.joined.get(meter) ?? 0) + 1);
      const subscription = source$.subscribe(subscriber);
      if (meter) subscription.add(() => this.leave(meter));
      return subscription;
    });
  }

  /** Reports a live event's lag to every joined meter. */
  lagged(lagMs: number): void {
    for (const meter of this.joined.keys()) meter.lagged(lagMs);
  }

  private leave(meter: SseStoreMeter): void {
    const left = this.joined.get(meter)! - 1;
    if (left === 0) this.joined.delete(meter);
    else this.joined.set(meter, left);
  }
}
