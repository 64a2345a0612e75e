// A prom-client Counter counted in plain numbers, which prom-client gets only when /metrics is read.
//
// Why: prom-client's inc() turns the label values into a string key and hashes it on every call, a child bound
// once by labels() too; the pop path counts each event, change and card that way, several times a call (issue 12:
// garbage and CPU per call). Here a count is a number in a cell made once per label values.
import { Counter } from 'prom-client';
import type { CounterConfiguration, LabelValues } from 'prom-client';

export interface Count {
  inc(by?: number): void;
}

interface Cell<L extends string> extends Count {
  readonly labels: LabelValues<L>;
  n: number;
  reported: number;
}

export class ScrapedCounter<L extends string = never> {
  readonly #cells = new Map<string, Cell<L>>();
  readonly #labelNames: readonly L[];

  constructor(config: Omit<CounterConfiguration<L>, 'collect'>) {
    this.#labelNames = config.labelNames ?? [];
    const cells = this.#cells;
    new Counter<L>({
      ...config,
      collect() {
        for (const cell of cells.values()) {
          if (cell.n > cell.reported) {
            this.inc(cell.labels, cell.n - cell.reported);
            cell.reported = cell.n;
          }
        }
      },
    });
  }

  /** The count of these label values: look it up once and keep it, as a child of prom-client's labels(). */
  child(labels: LabelValues<L> = {}): Count {
    const key = JSON.stringify(this.#labelNames.map((name) => labels[name] ?? null));
    let cell = this.#cells.get(key);
    if (cell === undefined) {
      cell = {
        labels: { ...labels },
        n: 0,
        reported: 0,
        inc(by = 1) {
          if (!(by >= 0 && by < Number.POSITIVE_INFINITY)) {
            throw new RangeError(`a counter goes up by a finite number, not ${by}`);
          }
          this.n += by;
        },
      };
      this.#cells.set(key, cell);
    }
    return cell;
  }
}
