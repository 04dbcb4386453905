import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { DecimalPipe } from '@angular/common';
import { TicksService } from './ticks.service';

/** Shows the live price and the last ten ticks from {@link TicksService}. */
@Component({
  selector: 'app-ticks',
  standalone: true,
  imports: [DecimalPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>sse-rx + Angular signals</h1>
    <p>connection: {{ ticks.status() }}</p>
    @if (ticks.latest(); as tick) {
      <p class="price">price {{ tick.price | number: '1.2-2' }} at {{ tick.time }}</p>
    } @else {
      <p>waiting for the first tick…</p>
    }
    <ol>
      @for (tick of ticks.recent(); track tick.n) {
        <li>#{{ tick.n }}: {{ tick.price | number: '1.2-2' }}</li>
      }
    </ol>
  `,
})
export class TicksComponent {
  protected readonly ticks = inject(TicksService);
}
