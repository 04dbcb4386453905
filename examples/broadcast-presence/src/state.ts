import { BehaviorSubject, defer, finalize, map, merge, of, type Observable } from 'rxjs';
import type { SseMessage } from 'sse-rx-server';

/** An item of the shared list. */
export interface Person {
  name: string;
}

/**
 * The shared state: the list of persons and the ids of the connected clients, each a
 * `BehaviorSubject`, so a new client gets the current value at once, then every change.
 */
export class Room {
  readonly persons$ = new BehaviorSubject<Person[]>([]);
  readonly clients$ = new BehaviorSubject<string[]>([]);
  private nextClient = 1;

  /**
   * Adds a person; every connected client receives the new list.
   * @param person - the new item.
   * @returns the new list.
   */
  add(person: Person): Person[] {
    const list = [...this.persons$.value, person];
    this.persons$.next(list);
    return list;
  }

  /**
   * One client's stream: `event: hello` with its own id, then `event: persons` with the list and
   * `event: presence` with the connected ids, each sent again on every change. The client counts
   * as connected while this is subscribed (sendEvents unsubscribes when it disconnects).
   * @returns the messages for one client.
   */
  connect(): Observable<SseMessage> {
    return defer(() => {
      const id = `c${this.nextClient++}`;
      this.clients$.next([...this.clients$.value, id]);
      return merge(
        of({ event: 'hello', data: JSON.stringify({ id }) }),
        this.persons$.pipe(map((list) => ({ event: 'persons', data: JSON.stringify(list) }))),
        this.clients$.pipe(map((ids) => ({ event: 'presence', data: JSON.stringify(ids) }))),
      ).pipe(finalize(() => this.clients$.next(this.clients$.value.filter((other) => other !== id))));
    });
  }
}
