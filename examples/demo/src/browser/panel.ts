import type { Tick } from '../ticker.js';
import { SequenceCounter, type SequenceCounts } from './sequenceCounter.js';

/** A connection state as the timeline draws it. */
export type PanelState = 'connecting' | 'open' | 'reconnecting' | 'paused' | 'closed';
/** The tone of a line in a panel's log. */
export type Tone = 'you' | 'good' | 'warn' | 'fail' | '';

/** What the timeline shows: the last minute. */
const WINDOW_MS = 60_000;
/** The most lines a panel's log keeps. */
const MAX_LINES = 8;

/** One client's panel: its state now and over the last minute, its counters and a log. */
export interface Panel {
  readonly counts: SequenceCounts;
  /** The connection is in `state` from now on; `detail` is shown beside it. */
  state(state: PanelState, detail?: string): void;
  /** A connection opened now; `text` replaces the log line that says what it resumes from. */
  opened(text?: string): void;
  /** A tick arrived. */
  tick(tick: Tick): void;
  /** The server could not resume: counting restarts. */
  reset(text: string): void;
  /** A line in the log. */
  note(text: string, tone?: Tone): void;
}

/**
 * Binds a panel of the page (`#rx` or `#native`) to a client's events.
 * @param root - the panel's element.
 * @param intro - the log's first line.
 * @returns the panel.
 */
export function createPanel(
  root: HTMLElement,
  intro = 'connecting to /events; press a button above and watch this log',
): Panel {
  const counter = new SequenceCounter();
  const badge = root.querySelector<HTMLElement>('.badge')!;
  const detail = root.querySelector<HTMLElement>('.detail')!;
  const timeline = root.querySelector<HTMLElement>('.timeline')!;
  const log = root.querySelector<HTMLElement>('.log')!;
  const segments: Array<{ state: PanelState; from: number }> = [{ state: 'connecting', from: Date.now() }];

  const render = () => {
    for (const [name, value] of Object.entries(counter.counts)) {
      const cell = root.querySelector<HTMLElement>(`[data-counter="${name}"]`)!;
      cell.textContent = String(value);
      cell.classList.toggle('nonzero', value > 0);
    }
  };
  const drawTimeline = () => {
    const now = Date.now();
    const start = now - WINDOW_MS;
    while (segments.length > 1 && segments[1]!.from < start) segments.shift();
    timeline.replaceChildren(
      ...segments.map((segment, i) => {
        const from = Math.max(segment.from, start);
        const to = segments[i + 1]?.from ?? now;
        const bar = document.createElement('div');
        bar.className = segment.state;
        bar.title = segment.state;
        bar.style.left = `${((from - start) / WINDOW_MS) * 100}%`;
        bar.style.width = `${(Math.max(to - from, 250) / WINDOW_MS) * 100}%`;
        return bar;
      }),
    );
  };
  setInterval(drawTimeline, 250);

  const panel: Panel = {
    counts: counter.counts,
    state(state, text = '') {
      badge.dataset.state = state;
      badge.textContent = state;
      detail.textContent = text;
      if (segments.at(-1)!.state !== state) segments.push({ state, from: Date.now() });
      drawTimeline();
    },
    opened(text) {
      const first = counter.counts.received === 0 && counter.counts.reconnects === 0;
      counter.open(Date.now());
      if (text) panel.note(text, 'good');
      else if (first) panel.note('open: live ticks from now on', 'good');
      else panel.note(`open again, with Last-Event-ID of #${counter.last ?? '?'}: the rest follows`, 'good');
      render();
    },
    tick(tick) {
      const seen = counter.see(tick.n, tick.time);
      if (seen.kind === 'gap') panel.note(`gap: ${seen.skipped} tick(s) before #${tick.n} never arrived`, 'fail');
      if (seen.kind === 'duplicate') panel.note(`#${tick.n} arrived again`, 'fail');
      render();
    },
    reset(text) {
      counter.reset();
      panel.note(text, 'warn');
    },
    note(text, tone = '') {
      const line = document.createElement('li');
      const time = document.createElement('time');
      time.textContent = new Date().toTimeString().slice(0, 8);
      line.append(time, text);
      if (tone) line.className = tone;
      log.prepend(line);
      while (log.children.length > MAX_LINES) log.lastElementChild!.remove();
    },
  };
  render();
  panel.note(intro);
  return panel;
}
