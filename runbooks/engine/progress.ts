/**
 * How a run shows its progress: a live task list on a terminal (listr2: the wave, each server's
 * current step and the command it runs, the gates), plain timestamped lines otherwise (a log, CI,
 * a pipe). The engine hands the reporter the work of a wave; the reporter runs it and shows it.
 * What it shows quotes the journal, the lock, the fleet and Prometheus: every line, title and
 * output is made inert first (view/terminal.ts), whatever those hold.
 */
import { Listr } from 'listr2';
import { inert } from '../../view/terminal.ts';

/** A piece of work shown as one line that its `update` keeps current. */
export interface ShownTask<T> {
  readonly title: string;
  run(update: (text: string) => void): Promise<T>;
}

export interface Reporter {
  /** Runs a wave's servers side by side (at most `concurrency` at once). */
  wave<T>(title: string, tasks: readonly ShownTask<T>[], concurrency: number): Promise<T[]>;
  /** Runs one task (the gates, a wait) shown on its own line. */
  task<T>(task: ShownTask<T>): Promise<T>;
  line(text: string): void;
}

const stamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Runs tasks with at most `limit` at once, keeping their order in the result. */
async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}

export class PlainReporter implements Reporter {
  constructor(private readonly write: (text: string) => void = (t) => process.stdout.write(t)) {}

  line(text: string): void {
    this.write(`${stamp()} ${inert(text)}\n`);
  }

  async wave<T>(title: string, tasks: readonly ShownTask<T>[], concurrency: number): Promise<T[]> {
    this.line(title);
    return pool(
      tasks.map((t) => () => t.run((text) => this.line(`  ${t.title}: ${text}`))),
      concurrency,
    );
  }

  task<T>(task: ShownTask<T>): Promise<T> {
    return task.run((text) => this.line(`${task.title}: ${text}`));
  }
}

export class ListrReporter implements Reporter {
  line(text: string): void {
    process.stdout.write(`${inert(text)}\n`);
  }

  async wave<T>(title: string, tasks: readonly ShownTask<T>[], concurrency: number): Promise<T[]> {
    const results: T[] = new Array(tasks.length);
    const list = new Listr(
      [
        {
          title: inert(title),
          task: (_ctx, wave) =>
            wave.newListr(
              tasks.map((t, i) => ({
                title: inert(t.title),
                task: async (_c, item) => {
                  results[i] = await t.run((text) => {
                    item.output = inert(text);
                  });
                },
              })),
              { concurrent: concurrency, exitOnError: false, rendererOptions: { collapseSubtasks: true } },
            ),
        },
      ],
      { rendererOptions: { collapseSubtasks: false, showErrorMessage: true } },
    );
    await list.run();
    return results;
  }

  async task<T>(task: ShownTask<T>): Promise<T> {
    let result: T | undefined;
    await new Listr([
      {
        title: inert(task.title),
        task: async (_ctx, item) => {
          result = await task.run((text) => {
            item.output = inert(text);
          });
        },
        rendererOptions: { persistentOutput: true },
      },
    ]).run();
    return result as T;
  }
}
