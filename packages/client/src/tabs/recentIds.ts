/** How many ids a tab remembers: far more than can be in flight during one hand-over. */
const REMEMBERED_IDS = 256;

/**
 * The ids a tab delivered last, each with the connection it came from. An id that comes again from
 * another connection is a repeat from a hand-over (the new leader resuming from an id the old one
 * had already passed, or a late relay of the old leader); the same id again from the same
 * connection is the server's own doing and is delivered, as without sharing.
 */
export class RecentIds {
  private readonly sources = new Map<string, string>();

  /**
   * Records `id`, sent by connection `source`, and says whether another connection delivered it already.
   * @param id - the event's own id (never `''`).
   * @param source - the connection that sent it.
   * @returns true for a repeat, to be dropped.
   */
  repeats(id: string, source: string): boolean {
    const first = this.sources.get(id);
    if (first !== undefined && first !== source) return true;
    this.sources.delete(id);
    this.sources.set(id, source);
    if (this.sources.size > REMEMBERED_IDS) this.sources.delete(this.sources.keys().next().value as string);
    return false;
  }
}
