// Enforces the one-way shape of docs/ARCHITECTURE.md (who may import whom, by folder) and a repository that
// stands on its own (no code or test reads a path outside it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') {
      continue;
    }
    if (statSync(path).isDirectory()) {
      out.push(...sources(path));
    } else if (/\.(ts|tsx)$/.test(name)) {
      out.push(path);
    }
  }
  return out;
}

/** Top folder of a repo path: "src/calls", "src/simulator", "web", ... */
function area(path: string): string {
  const parts = relative(root, path).split('/');
  return parts[0] === 'src' && parts.length > 2 ? `src/${parts[1]}` : parts[0] === 'src' ? 'src' : parts[0]!;
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return specs.map((m) => m[1] ?? m[2] ?? '').filter((s) => s.startsWith('.'));
}

// What each folder under src/ may import besides itself (non-test files; tests may wire real adapters). Every
// folder has an entry, and the table has no cycle, so data flows one way: goto → calls → lookup → pops → server,
// with the stores and the composition root (app/) beside them.
const allowed: Record<string, readonly string[]> = {
  // util/ knows nothing of the product at all.
  'src/util': [],
  'src/phone': ['src/util'],
  'src/shared': ['src/util'],
  'src/calls': ['src/phone', 'src/shared', 'src/util'],
  'src/lookup': ['src/calls', 'src/phone', 'src/shared', 'src/util'],
  'src/pops': ['src/calls', 'src/lookup', 'src/phone', 'src/shared', 'src/util'],
  // The GoTo adapter turns GoTo's JSON into CallEvents; config-bridge reads its piece of the parsed config.
  'src/goto': ['src/calls', 'src/config', 'src/phone', 'src/util'],
  // webhooks/ reads published cards (shared types) and writes through its OutboxStore port, so it can be wired
  // (or left out) from src/app alone.
  'src/webhooks': ['src/calls', 'src/shared', 'src/util'],
  // crmlog/ writes call records to the CRMs through the lookup providers' writers and the webhooks' outbox.
  'src/crmlog': ['src/calls', 'src/lookup', 'src/shared', 'src/util', 'src/webhooks'],
  'src/store': ['src/calls', 'src/lookup', 'src/phone', 'src/shared', 'src/util'],
  // The HTTP edge sees ports only: the stores and the pipeline through the interfaces it declares or imports.
  'src/server': ['src/calls', 'src/lookup', 'src/phone', 'src/pops', 'src/shared', 'src/util'],
  // config/ parses the environment once, with the parsers of the parts whose settings it reads.
  'src/config': ['src/lookup', 'src/phone', 'src/util', 'src/webhooks'],
  // The composition root wires everything (and may start the simulator in demo mode); only the CLI is above it.
  'src/app': [
    'src/calls',
    'src/config',
    'src/crmlog',
    'src/goto',
    'src/lookup',
    'src/phone',
    'src/pops',
    'src/server',
    'src/shared',
    'src/simulator',
    'src/store',
    'src/util',
    'src/webhooks',
  ],
  'src/cli': ['src/app', 'src/config', 'src/phone', 'src/simulator', 'src/store', 'src/util'],
  // The simulator shares no code with the product (its own test below).
  'src/simulator': [],
};

// An adapter imports the ports it implements: these files are open to these folders whatever the table says.
const portsOpenTo: Record<string, readonly string[]> = {
  'src/store': [
    'src/goto/ports.ts',
    'src/pops/ports.ts',
    'src/server/ports.ts',
    'src/webhooks/ports.ts',
    'src/crmlog/ports.ts',
  ],
  'src/server': ['src/goto/ports.ts', 'src/simulator'],
};

test('the simulator imports nothing from the product', () => {
  for (const file of sources(join(root, 'src/simulator'))) {
    for (const spec of relativeImports(file)) {
      const target = resolve(dirname(file), spec);
      assert.ok(
        area(target) === 'src/simulator',
        `${relative(root, file)} imports ${spec}: the simulator must share no code with the product`,
      );
    }
  }
});

test('only the CLI and the composition root may start the simulator', () => {
  for (const file of [...sources(join(root, 'src')), ...sources(join(root, 'web'))]) {
    const from = area(file);
    if (from === 'src/simulator' || from === 'src/cli') {
      continue;
    }
    if (file.endsWith('.test.ts') || from === 'src/app') {
      continue; // end-to-end tests and the composition root start the simulator as a separate server
    }
    for (const spec of relativeImports(file)) {
      assert.notEqual(
        area(resolve(dirname(file), spec)),
        'src/simulator',
        `${relative(root, file)} imports ${spec}`,
      );
    }
  }
});

test('every folder under src has its import rules', () => {
  const folders = readdirSync(join(root, 'src')).filter((name) =>
    statSync(join(root, 'src', name)).isDirectory(),
  );
  assert.deepEqual(
    folders.map((name) => `src/${name}`).filter((folder) => !(folder in allowed)),
    [],
    'a new folder needs an entry in `allowed`',
  );
});

test('the import rules have no cycle between folders, ports included', () => {
  const edges = (from: string): string[] => [
    ...(allowed[from] ?? []),
    ...(portsOpenTo[from] ?? []).map((file) => area(join(root, file))),
  ];
  const cycles: string[] = [];
  const visit = (folder: string, path: readonly string[]): void => {
    if (path.includes(folder)) {
      cycles.push([...path.slice(path.indexOf(folder)), folder].join(' → '));
      return;
    }
    for (const next of edges(folder)) {
      visit(next, [...path, folder]);
    }
  };
  for (const folder of Object.keys(allowed)) {
    visit(folder, []);
  }
  assert.deepEqual(cycles, []);
});

test('each folder imports only what its rules allow, so data flows one way', () => {
  const found: string[] = [];
  for (const file of sources(join(root, 'src'))) {
    const from = area(file);
    if (file.endsWith('.test.ts') || from === 'src') {
      continue; // tests may wire real adapters; src/architecture.test.ts itself
    }
    for (const spec of relativeImports(file)) {
      const target = resolve(dirname(file), spec);
      const to = area(target);
      if (to === from || (allowed[from] ?? []).includes(to)) {
        continue;
      }
      if ((portsOpenTo[from] ?? []).some((open) => relative(root, target).startsWith(open))) {
        continue;
      }
      found.push(`${relative(root, file)} (${from}) imports ${spec} (${to})`);
    }
  }
  assert.deepEqual(found, []);
});

test('the browser app imports only the shared types', () => {
  for (const file of sources(join(root, 'web'))) {
    for (const spec of relativeImports(file)) {
      const to = area(resolve(dirname(file), spec));
      assert.ok(to === 'web' || to === 'src/shared', `${relative(root, file)} imports ${spec}`);
    }
  }
});

/** Every script the repository runs: sources, tests, tools and the config files at its root. */
function scripts(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (
        ['node_modules', 'dist', 'data', 'test-output', 'fixtures'].includes(name) ||
        name.startsWith('.')
      ) {
        continue;
      }
      if (statSync(path).isDirectory()) {
        walk(path);
      } else if (/\.(ts|tsx|mts|js|mjs|cjs)$/.test(name)) {
        out.push(path);
      }
    }
  };
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) {
      if (['src', 'web', 'test', 'bench', 'scripts', 'bin'].includes(name)) {
        walk(path);
      }
    } else if (/\.(ts|mts|js|mjs|cjs)$/.test(name)) {
      out.push(path);
    }
  }
  return out;
}

/** The text of every string and template literal in a file (comments are not literals). */
function stringLiterals(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
      out.push(node.text);
    }
    node.forEachChild(visit);
  };
  visit(source);
  return out;
}

/**
 * The team's reference folder beside the checkout (its fixtures and protocol reference). Spelled in pieces so that
 * this file, too, names no path outside the repository.
 */
const BESIDE = ['shared', 'goto-'];
const TEAM_FOLDER = new RegExp(`(^|[/\\\\])${BESIDE[0]}[/\\\\]${BESIDE[1]}|${BESIDE[1]}api\\.md`);

/** Why a literal in `file` points outside the repository, or null. */
function outsidePath(file: string, literal: string): string | null {
  if (TEAM_FOLDER.test(literal)) {
    return "names the team's folder beside the checkout; fixtures live in test/fixtures/goto";
  }
  const climb = /^(\.\.[/\\])+/.exec(literal);
  if (climb !== null && relative(root, resolve(dirname(file), climb[0])).startsWith('..')) {
    return 'climbs above the repository root';
  }
  return null;
}

test('no source or test reads a path outside the repository', () => {
  const found: string[] = [];
  for (const file of scripts()) {
    if (file === import.meta.filename) {
      continue; // its own examples of bad paths, in the next test
    }
    for (const literal of stringLiterals(file)) {
      const why = outsidePath(file, literal);
      if (why !== null) {
        found.push(`${relative(root, file)}: '${literal}' ${why}`);
      }
    }
  }
  assert.deepEqual(found, []);
});

test('the outside-path rule catches a climb above the root and the shared folder, not paths inside', () => {
  const file = join(root, 'src/goto/testing/fixtures.ts');
  const teamFixtures = `${BESIDE[0]}/${BESIDE[1]}fixtures`;
  assert.ok(outsidePath(file, `../../../../${teamFixtures}/`));
  assert.ok(outsidePath(file, '../../../../anything'));
  assert.ok(outsidePath(join(root, 'bench/x.ts'), `../../${BESIDE[0]}/STYLE.md`));
  assert.ok(outsidePath(file, `/work/${teamFixtures}/oauth/token-refresh.json`));
  assert.ok(outsidePath(file, `${BESIDE[1]}api.md`));
  assert.equal(outsidePath(file, '../../../test/fixtures/goto/'), null);
  assert.equal(outsidePath(file, '../ports.ts'), null);
  assert.equal(outsidePath(file, 'shared/types.ts'), null);
});

test('core folders receive parsed config values and never import src/config', () => {
  for (const file of sources(join(root, 'src')).filter((f) => !f.endsWith('.test.ts'))) {
    const from = area(file);
    if (!['src/calls', 'src/lookup', 'src/pops'].includes(from)) {
      continue;
    }
    for (const spec of relativeImports(file)) {
      const to = area(resolve(dirname(file), spec));
      assert.notEqual(to, 'src/config', `${relative(root, file)} (${from}) imports ${spec}`);
    }
  }
});
