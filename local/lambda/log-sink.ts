import { formatLogLine, type LogFormat } from './log-format';

export interface LogSink {
  /** Formats one line and queues it; written with the others of the same turn of the event loop. */
  log(line: string): void;
  /** Writes whatever is queued, now (before printing something else, and at exit). */
  flush(): void;
}

export interface LogSinkOptions {
  format: LogFormat;
  /** Default: process.stdout. */
  write?: (chunk: string) => void;
  /** Queued text above which it is written at once instead of at the end of the turn. */
  highWaterBytes?: number;
}

/**
 * The twin's console: one write per turn of the event loop rather than one per line (a write to a terminal is
 * a synchronous system call; under load the twin logs thousands of lines a second). Queued lines are written
 * at process exit too (when writing to stdout; a caller with its own writer flushes itself).
 */
export function createLogSink(options: LogSinkOptions): LogSink {
  const write = options.write ?? ((chunk: string) => void process.stdout.write(chunk));
  const highWater = options.highWaterBytes ?? 64 * 1024;
  let queued: string[] = [];
  let queuedBytes = 0;
  let scheduled: NodeJS.Immediate | undefined;

  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (queued.length === 0) return;
    const chunk = `${queued.join('\n')}\n`;
    queued = [];
    queuedBytes = 0;
    write(chunk);
  };
  // Lines queued when the process exits still reach the terminal (stdout writes are synchronous on exit).
  if (!options.write) process.once('exit', flush);

  return {
    log(line: string) {
      const formatted = formatLogLine(line, options.format);
      queued.push(formatted);
      queuedBytes += formatted.length;
      if (queuedBytes >= highWater) flush();
      else if (!scheduled) scheduled = setImmediate(flush).unref();
    },
    flush,
  };
}
