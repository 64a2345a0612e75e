// The process logger: one pino logger, JSON lines for log collectors, or pino-pretty's readable lines at a terminal.
import pino from 'pino';
import type { Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from '../config/config.ts';

export type LogFormat = 'json' | 'pretty';

/** LOG_FORMAT when set; otherwise pretty only when a person is watching (stdout is a terminal). */
export function chooseLogFormat(configured: LogFormat | null, stdoutIsTty: boolean): LogFormat {
  return configured ?? (stdoutIsTty ? 'pretty' : 'json');
}

/**
 * A logger writing to `destination` (default stdout). Pretty lines are one per event — time, level, message, then
 * the fields — without pid and hostname, which say nothing on a single-process server.
 */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  destination: NodeJS.WritableStream = process.stdout,
  stdoutIsTty: boolean = process.stdout.isTTY === true,
): Logger {
  const format = chooseLogFormat(config.logFormat, stdoutIsTty);
  if (format === 'json') {
    return destination === process.stdout
      ? pino({ level: config.logLevel })
      : pino({ level: config.logLevel }, destination);
  }
  const stream = pretty({
    destination,
    colorize: stdoutIsTty && destination === process.stdout,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
    singleLine: true,
  });
  return pino({ level: config.logLevel }, stream);
}
