/**
 * Progress on stderr: a redrawn bar on a terminal, a plain line every 10% otherwise (CI logs).
 */
export interface ProgressSink {
  start(total: number): void;
  tick(passed: boolean): void;
  done(): void;
}

export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export class ProgressBar implements ProgressSink {
  private total = 0;
  private completed = 0;
  private failed = 0;
  private startedAt = 0;
  private lastReportedDecile = -1;

  constructor(
    private readonly stream: ProgressStream = process.stderr,
    private readonly now: () => number = Date.now,
  ) {}

  start(total: number): void {
    this.total = total;
    this.startedAt = this.now();
    this.render();
  }

  tick(passed: boolean): void {
    this.completed++;
    if (!passed) this.failed++;
    this.render();
  }

  done(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }

  /** The current status line, without control characters. */
  line(): string {
    const width = 30;
    const fraction = this.total ? this.completed / this.total : 1;
    const filled = Math.round(fraction * width);
    const elapsed = (this.now() - this.startedAt) / 1000;
    const eta = this.completed ? (elapsed / this.completed) * (this.total - this.completed) : 0;
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.completed}/${this.total} ${Math.round(fraction * 100)}% · ${this.failed} failed · ${elapsed.toFixed(1)}s elapsed${this.completed < this.total ? ` · eta ${eta.toFixed(1)}s` : ''}`;
  }

  private render(): void {
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${this.line()}`);
      return;
    }
    const decile = this.total ? Math.floor((this.completed / this.total) * 10) : 10;
    if (decile !== this.lastReportedDecile) {
      this.lastReportedDecile = decile;
      this.stream.write(`${this.line()}\n`);
    }
  }
}

/** Discards progress (library use, tests). */
export const silentProgress: ProgressSink = { start() {}, tick() {}, done() {} };
