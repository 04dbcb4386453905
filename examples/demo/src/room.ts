import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BehaviorSubject, defer, finalize, map, merge, type Observable, of } from 'rxjs';
import type { SseMessage } from 'sse-rx-server';

/** The items an example shopper adds, in turn. */
const GOODS = ['apples', 'bread', 'coffee', 'dates', 'eggs', 'figs', 'grapes', 'honey'];

/**
 * The broadcast scene: a shared list and the names of the connected clients, each a
 * `BehaviorSubject`, so a client gets the current value at once, then every change. The list is
 * saved to `path`, so it survives the restart button; who is connected is rebuilt as clients
 * reconnect.
 */
export class Room {
  readonly items$: BehaviorSubject<string[]>;
  readonly present$ = new BehaviorSubject<string[]>([]);

  constructor(private readonly path: string) {
    this.items$ = new BehaviorSubject<string[]>(
      existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as string[]) : [],
    );
  }

  /**
   * Adds the next item on behalf of `by`; every connected client receives the new list.
   * @param by - who added it (shown beside the item).
   * @returns the new list.
   */
  add(by: string): string[] {
    const list = [...this.items$.value, `${GOODS[this.items$.value.length % GOODS.length]} (from ${by})`];
    writeFileSync(this.path, JSON.stringify(list));
    this.items$.next(list);
    return list;
  }

  /**
   * One client's stream: `event: items` with the list and `event: presence` with the connected
   * names, each sent again on every change. The client counts as present while this is
   * subscribed (sendEvents unsubscribes when it leaves).
   * @param name - the client's name, as the others see it.
   * @returns the messages for one client.
   */
  join(name: string): Observable<SseMessage> {
    return defer(() => {
      this.present$.next([...this.present$.value, name].sort());
      return merge(
        of({ retry: 500 }),
        this.items$.pipe(map((list) => ({ event: 'items', data: JSON.stringify(list) }))),
        this.present$.pipe(map((names) => ({ event: 'presence', data: JSON.stringify(names) }))),
      ).pipe(finalize(() => this.leave(name)));
    });
  }

  private leave(name: string): void {
    const names = [...this.present$.value];
    names.splice(names.indexOf(name), 1);
    this.present$.next(names);
  }
}
