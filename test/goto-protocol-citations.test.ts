// Comments cite the GoTo protocol notes as `goto-protocol.md §6.7` or `§11 #7`: every citation must resolve in
// docs/goto-protocol.md, and nothing may cite the research file that is not in the repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const doc = readFileSync(join(root, 'docs/goto-protocol.md'), 'utf8');

/** Text files that may cite the notes: code, tests, tools and docs (not the notes themselves, not JSON). */
function citingFiles(): string[] {
  const out: string[] = [join(root, 'README.md')];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (['node_modules', 'dist', 'data', 'test-output'].includes(name) || name.startsWith('.')) {
        continue;
      }
      if (statSync(path).isDirectory()) {
        walk(path);
      } else if (/\.(ts|tsx|js|mjs|md)$/.test(name) && path !== join(root, 'docs/goto-protocol.md')) {
        out.push(path);
      }
    }
  };
  for (const dir of ['src', 'web', 'test', 'bench', 'scripts', 'bin', 'docs']) {
    walk(join(root, dir));
  }
  return out;
}

/** Section numbers of the notes' headings ("6.4.1"), and the numbered items (list or table) of each. */
function outline(): Map<string, Set<string>> {
  const sections = new Map<string, Set<string>>();
  let current: Set<string> | null = null;
  for (const line of doc.split('\n')) {
    const heading = /^#{2,4} (\d+(?:\.\d+)*)[ .]/.exec(line);
    if (heading) {
      current = new Set();
      sections.set(heading[1]!, current);
      continue;
    }
    const item = /^(\d+)\. /.exec(line) ?? /^\| (\d+) +\|/.exec(line);
    if (item && current) {
      current.add(item[1]!);
    }
  }
  return sections;
}

/** "4.4–4.5" → 4.4, 4.5; "4–7" → 4, 5, 6, 7; "6.2" → 6.2. */
function expand(from: string, to: string | undefined): string[] {
  if (to === undefined) {
    return [from];
  }
  const [a, b] = [from.split('.'), to.split('.')];
  const prefix = a.slice(0, -1).join('.');
  if (a.length !== b.length || prefix !== b.slice(0, -1).join('.')) {
    return [from, to];
  }
  const out: string[] = [];
  for (let n = Number(a.at(-1)); n <= Number(b.at(-1)); n++) {
    out.push(prefix === '' ? String(n) : `${prefix}.${n}`);
  }
  return out;
}

/** Every `§x[–y][, x.y…] [#n[–m][, #n…]]` citation of a line that is not an RFC's section. */
function citations(line: string): { section: string; items: string[] }[] {
  const found: { section: string; items: string[] }[] = [];
  const pattern =
    /(RFC \d+ )?§(\d+(?:\.\d+)*)(?:\s*[–-]\s*(\d+(?:\.\d+)*))?((?:,\s*\d+\.\d+)*)((?:\s*#\d+(?:\s*[–-]\s*\d+)?(?:,\s*#?\d+)*)?)/g;
  for (const m of line.matchAll(pattern)) {
    if (m[1] !== undefined) {
      continue;
    }
    const items = [...(m[5] ?? '').matchAll(/(\d+)(?:\s*[–-]\s*(\d+))?/g)].flatMap((i) =>
      expand(i[1]!, i[2]),
    );
    const sections = [...expand(m[2]!, m[3]), ...[...(m[4] ?? '').matchAll(/\d+\.\d+/g)].map((s) => s[0])];
    found.push(...sections.map((section, i) => ({ section, items: i === 0 ? items : [] })));
  }
  return found;
}

test('every § citation in the code and docs names a section (and item) of docs/goto-protocol.md', () => {
  const sections = outline();
  const missing: string[] = [];
  let count = 0;
  for (const file of citingFiles()) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const { section, items } of citations(line)) {
          count++;
          const where = `${relative(root, file)}:${i + 1}`;
          const listed = sections.get(section);
          if (listed === undefined) {
            missing.push(`${where}: §${section}`);
          }
          missing.push(
            ...items.filter((n) => listed?.has(n) === false).map((n) => `${where}: §${section} #${n}`),
          );
        }
      });
  }
  assert.deepEqual(missing, []);
  assert.ok(count > 100, `only ${count} citations found: is the pattern still right?`);
});

test('citations are read as the notes number them; RFC sections are left alone', () => {
  assert.deepEqual(citations('(goto-protocol.md §4.4–4.5)'), [
    { section: '4.4', items: [] },
    { section: '4.5', items: [] },
  ]);
  assert.deepEqual(citations('(§6.2, 6.3, §11 #7, #8)'), [
    { section: '6.2', items: [] },
    { section: '6.3', items: [] },
    { section: '11', items: ['7', '8'] },
  ]);
  assert.deepEqual(citations('(reference §11 #14–16)'), [{ section: '11', items: ['14', '15', '16'] }]);
  assert.deepEqual(citations('RFC 6749 §4.1.2.1'), []);
  const sections = outline();
  assert.equal(sections.has('6.0'), true);
  assert.equal(sections.get('11')?.has('22'), true);
  assert.equal(sections.has('12'), false);
});

test('nothing cites the research reference or the team folder that are not in the repository', () => {
  const self = [import.meta.filename, join(root, 'src/architecture.test.ts')];
  const found = citingFiles()
    .filter((file) => !self.includes(file))
    .flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /goto-api\.md|\.\.\/shared\/(goto-|STYLE)/.test(line) ? [`${relative(root, file)}:${i + 1}`] : [],
        ),
    );
  assert.deepEqual(found, []);
});
