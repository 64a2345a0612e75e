// Human-friendly times and durations for cards and lists; locale and time zone are parameters for tests.
export interface FormatOptions {
  readonly locale?: string;
  readonly timeZone?: string;
}

const DAY = 86_400_000;

/** "0:42", "12:05", "1:02:03" — a call timer. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", else a date. */
export function formatAgo(at: number, now: number, opts: FormatOptions = {}): string {
  const diff = now - at;
  if (diff < 60_000) {
    return 'just now';
  }
  if (diff < 3_600_000) {
    return `${Math.floor(diff / 60_000)} min ago`;
  }
  if (diff < DAY) {
    return `${Math.floor(diff / 3_600_000)} h ago`;
  }
  if (diff < 2 * DAY) {
    return 'yesterday';
  }
  if (diff < 7 * DAY) {
    return `${Math.floor(diff / DAY)} days ago`;
  }
  return formatDate(at, opts);
}

/** "14:05" today, "Mon 3 Nov, 14:05" otherwise; the year only when it is not this year's. */
export function formatWhen(at: number, now: number, opts: FormatOptions = {}): string {
  const time = formatTime(at, opts);
  if (dayKey(at, opts) === dayKey(now, opts)) {
    return time;
  }
  return `${formatDate(at, opts, yearOf(at, opts) !== yearOf(now, opts))}, ${time}`;
}

/** A call-log time: "today 14:05", "yesterday 09:12", else "Fri 20 Nov, 09:05" (the year when not this year's). */
export function formatCallTime(at: number, now: number, opts: FormatOptions = {}): string {
  if (dayKey(at, opts) === dayKey(now, opts)) {
    return `today ${formatWhen(at, now, opts)}`;
  }
  if (dayKey(at, opts) === dayKey(now - DAY, opts)) {
    return `yesterday ${formatWhen(at, at, opts)}`;
  }
  return formatWhen(at, now, opts);
}

/** An upcoming appointment: "today 15:30", "tomorrow 09:00", else "Thu 6 Nov, 10:00". */
export function formatUpcoming(at: number, now: number, opts: FormatOptions = {}): string {
  const time = formatTime(at, opts);
  if (dayKey(at, opts) === dayKey(now, opts)) {
    return `today ${time}`;
  }
  if (dayKey(at, opts) === dayKey(now + DAY, opts)) {
    return `tomorrow ${time}`;
  }
  return formatWhen(at, now, opts);
}

/** "14:05": hours and minutes in the locale's style. */
function formatTime(at: number, opts: FormatOptions): string {
  return new Intl.DateTimeFormat(opts.locale, {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: opts.timeZone,
  }).format(at);
}

function formatDate(at: number, opts: FormatOptions, withYear = false): string {
  return new Intl.DateTimeFormat(opts.locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: withYear ? 'numeric' : undefined,
    timeZone: opts.timeZone,
  }).format(at);
}

function dayKey(at: number, opts: FormatOptions): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: opts.timeZone }).format(at);
}

function yearOf(at: number, opts: FormatOptions): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', timeZone: opts.timeZone }).format(at);
}

/** "1 call", "3 calls". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
