import type { Subscription } from 'rxjs';
import { fromSse, parseJson } from 'sse-rx-client';

/**
 * One client of the broadcast scene (`#room [data-client=Ada]`): while joined, an sse-rx-client
 * stream of `/room?name=Ada` shows who is here and the shared list; its buttons add an item
 * (`POST /room/items`, which every client receives) and leave or join again.
 * @param root - the client's element.
 */
export function bindRoomClient(root: HTMLElement): void {
  const name = root.dataset.client!;
  const badge = root.querySelector<HTMLElement>('.badge')!;
  const present = root.querySelector<HTMLElement>('.present')!;
  const items = root.querySelector<HTMLElement>('.items')!;
  const leave = root.querySelector<HTMLButtonElement>('[data-room="leave"]')!;
  let subscription: Subscription | undefined;

  const list = (element: HTMLElement, values: string[]) =>
    element.replaceChildren(
      ...values.map((value) => {
        const item = document.createElement('li');
        item.textContent = value;
        return item;
      }),
    );
  const join = () => {
    subscription = fromSse<{ presence: string[]; items: string[] }>(`/room?name=${encodeURIComponent(name)}`, {
      onState: (state) => {
        badge.dataset.state = state.status;
        badge.textContent = state.status === 'closed' ? 'left' : state.status;
      },
    })
      .pipe(parseJson())
      .subscribe((event) => list(event.type === 'presence' ? present : items, event.data));
  };
  leave.addEventListener('click', () => {
    if (subscription) {
      subscription.unsubscribe();
      subscription = undefined;
      list(present, []);
      leave.textContent = 'Join';
    } else {
      join();
      leave.textContent = 'Leave';
    }
  });
  root.querySelector('[data-room="add"]')!.addEventListener('click', () => {
    void fetch(`/room/items?by=${encodeURIComponent(name)}`, { method: 'POST' });
  });
  join();
}
