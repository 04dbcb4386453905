/** A price at a tick number. */
export interface ChartPoint {
  n: number;
  price: number;
}

/** A vertical line at a tick number: a button pressed (labelled) or a reconnect (not). */
export interface ChartMarker {
  n: number;
  label?: string;
}

/** How many ticks the chart shows. */
const MAX_POINTS = 240;
const PAD = { left: 52, right: 12, top: 12, bottom: 22 };

/**
 * A line chart on a canvas, redrawn at most once a frame: the last ticks' prices, a break in the
 * line where a tick is missing, and dashed markers.
 * @param canvas - where to draw; its CSS size decides the drawing size.
 * @returns `add` for a point, `mark` for a marker at the next tick (a label for a press, none for a reconnect).
 */
export function createChart(canvas: HTMLCanvasElement): { add(point: ChartPoint): void; mark(label?: string): void } {
  const points: ChartPoint[] = [];
  const markers: ChartMarker[] = [];
  let pending = false;

  const draw = () => {
    pending = false;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    const g = canvas.getContext('2d')!;
    g.scale(ratio, ratio);
    g.clearRect(0, 0, width, height);
    g.font = '11px system-ui, sans-serif';
    if (points.length === 0) return;
    const last = points.at(-1)!.n;
    const first = Math.max(points[0]!.n, last - MAX_POINTS + 1);
    const prices = points.map((p) => p.price);
    const low = Math.min(...prices) - 0.2;
    const high = Math.max(...prices) + 0.2;
    const x = (n: number) => PAD.left + ((n - first) / Math.max(1, last - first)) * (width - PAD.left - PAD.right);
    const y = (price: number) => PAD.top + ((high - price) / (high - low)) * (height - PAD.top - PAD.bottom);

    g.strokeStyle = '#e6e9f0';
    g.fillStyle = '#5c6578';
    g.textAlign = 'right';
    for (let i = 0; i <= 4; i++) {
      const price = low + ((high - low) * i) / 4;
      g.beginPath();
      g.moveTo(PAD.left, y(price));
      g.lineTo(width - PAD.right, y(price));
      g.stroke();
      g.fillText(price.toFixed(2), PAD.left - 6, y(price) + 4);
    }
    g.textAlign = 'left';
    g.fillText(`#${first}`, PAD.left, height - 6);
    g.textAlign = 'right';
    g.fillText(`#${last}`, width - PAD.right, height - 6);

    g.setLineDash([4, 4]);
    g.textAlign = 'left';
    markers.forEach((marker, i) => {
      if (marker.n < first) return;
      g.strokeStyle = marker.label ? '#e8590c' : '#2f9e44';
      g.beginPath();
      g.moveTo(x(marker.n), PAD.top);
      g.lineTo(x(marker.n), height - PAD.bottom);
      g.stroke();
      if (!marker.label) return;
      // Labels on three rows, so that close presses stay readable.
      const row = PAD.top + 10 + (i % 3) * 13;
      const text = marker.label;
      g.fillStyle = 'rgba(255,255,255,0.85)';
      g.fillRect(x(marker.n) + 2, row - 10, g.measureText(text).width + 4, 13);
      g.fillStyle = '#b3470b';
      g.fillText(text, x(marker.n) + 4, row);
    });
    g.setLineDash([]);

    g.strokeStyle = '#3b5bdb';
    g.lineWidth = 2;
    g.beginPath();
    let previous: ChartPoint | undefined;
    for (const point of points) {
      if (point.n < first) continue;
      if (previous && point.n === previous.n + 1) g.lineTo(x(point.n), y(point.price));
      else g.moveTo(x(point.n), y(point.price));
      previous = point;
    }
    g.stroke();
    const end = points.at(-1)!;
    g.fillStyle = '#3b5bdb';
    g.beginPath();
    g.arc(x(end.n), y(end.price), 3.5, 0, Math.PI * 2);
    g.fill();
  };
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(draw);
  };
  window.addEventListener('resize', schedule);

  return {
    add(point) {
      points.push(point);
      if (points.length > MAX_POINTS) points.shift();
      schedule();
    },
    mark(label) {
      markers.push({ n: (points.at(-1)?.n ?? 0) + 1, ...(label ? { label } : {}) });
      if (markers.length > 20) markers.shift();
      schedule();
    },
  };
}
