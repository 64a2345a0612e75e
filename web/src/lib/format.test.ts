import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAgo, formatCallTime, formatDuration, formatUpcoming, formatWhen, plural } from './format.ts';

const utc = { locale: 'en-GB', timeZone: 'UTC' };
const now = Date.UTC(2026, 10, 24, 15, 0, 0); // Tue 24 Nov 2026 15:00 UTC

test('durations read like a call timer', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(42_900), '0:42');
  assert.equal(formatDuration(12 * 60_000 + 5_000), '12:05');
  assert.equal(formatDuration(3_723_000), '1:02:03');
  assert.equal(formatDuration(-5), '0:00');
});

test('relative times step from minutes to days to a date', () => {
  assert.equal(formatAgo(now - 10_000, now, utc), 'just now');
  assert.equal(formatAgo(now - 5 * 60_000, now, utc), '5 min ago');
  assert.equal(formatAgo(now - 3 * 3_600_000, now, utc), '3 h ago');
  assert.equal(formatAgo(now - 30 * 3_600_000, now, utc), 'yesterday');
  assert.equal(formatAgo(now - 4 * 86_400_000, now, utc), '4 days ago');
  assert.equal(formatAgo(Date.UTC(2026, 9, 1, 9), now, utc), 'Thu 1 Oct');
});

test('a time today shows only the clock; other days add the date, other years the year', () => {
  assert.equal(formatWhen(Date.UTC(2026, 10, 24, 9, 5), now, utc), '09:05');
  assert.equal(formatWhen(Date.UTC(2026, 10, 20, 9, 5), now, utc), 'Fri 20 Nov, 09:05');
  assert.equal(formatWhen(Date.UTC(2025, 10, 20, 9, 5), now, utc), 'Thu, 20 Nov 2025, 09:05');
});

test('upcoming appointments say today or tomorrow', () => {
  assert.equal(formatUpcoming(Date.UTC(2026, 10, 24, 16, 30), now, utc), 'today 16:30');
  assert.equal(formatUpcoming(Date.UTC(2026, 10, 25, 9, 0), now, utc), 'tomorrow 09:00');
  assert.equal(formatUpcoming(Date.UTC(2026, 10, 27, 9, 0), now, utc), 'Fri 27 Nov, 09:00');
});

test('plural picks the right noun', () => {
  assert.equal(plural(1, 'call'), '1 call');
  assert.equal(plural(3, 'call'), '3 calls');
});

test('a call-log time always says the day: today, yesterday, else the date', () => {
  assert.equal(formatCallTime(Date.UTC(2026, 10, 24, 9, 5), now, utc), 'today 09:05');
  assert.equal(formatCallTime(Date.UTC(2026, 10, 23, 23, 46), now, utc), 'yesterday 23:46');
  assert.equal(formatCallTime(Date.UTC(2026, 10, 20, 9, 5), now, utc), 'Fri 20 Nov, 09:05');
  assert.equal(formatCallTime(Date.UTC(2025, 10, 20, 9, 5), now, utc), 'Thu, 20 Nov 2025, 09:05');
});
