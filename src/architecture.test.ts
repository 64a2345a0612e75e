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

// Which areas each area must never import.
/** What the shared leaves (phone numbers, browser types) must not know: every layer that uses them. */
const layers = [
  'src/calls',
  'src/lookup',
  'src/pops',
  'src/goto',
  'src/store',
  'src/server',
  'src/simulator',
  'src/webhooks',
];
const forbidden: Record<string, readonly string[]> = {
  // util/ knows nothing of the product at all.
  'src/util': [...layers, 'src/app', 'src/cli', 'src/config', 'src/phone', 'src/shared'],
  'src/phone': layers,
  'src/shared': layers,
  'src/calls': [
    'src/lookup',
    'src/pops',
    'src/goto',
    'src/store',
    'src/server',
    'src/simulator',
    'src/webhooks',
  ],
  'src/lookup': ['src/pops', 'src/goto', 'src/store', 'src/server', 'src/simulator', 'src/webhooks'],
  'src/pops': ['src/goto', 'src/store', 'src/server', 'src/simulator', 'src/webhooks'],
  'src/goto': ['src/lookup', 'src/pops', 'src/store', 'src/server', 'src/simulator', 'src/webhooks'],
  'src/store': ['src/pops', 'src/server', 'src/simulator', 'src/goto', 'src/webhooks'],
  // webhooks/ reads published cards (shared types) and writes through its OutboxStore port; the store, the
  // HTTP edge and the pipeline's internals stay out of it, so it can be wired (or left out) from src/app alone.
  'src/webhooks': [
    'src/goto',
    'src/lookup',
    'src/pops',
    'src/store',
    'src/server',
    'src/simulator',
    'src/app',
  ],
  // The edge shows the delivery log through the interface its route declares, not the outbox itself.
  'src/server': ['src/webhooks'],
};

// An adapter imports the ports it implements: these files are open to store/ whatever its rules above say.
const portsOpenTo: Record<string, readonly string[]> = {
  'src/store': ['src/goto/ports.ts', 'src/pops/ports.ts', 'src/server/ports.ts', 'src/webhooks/ports.ts'],
  'src/server': ['src/simulator'],
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
    if (from === 'src/simulator' || from === 'src/cli' || relative(root, file) === 'src/main.ts') {
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

test('core folders do not import adapters, and data flows one way', () => {
  for (const file of sources(join(root, 'src'))) {
    const from = area(file);
    const banned = forbidden[from] ?? [];
    if (file.endsWith('.test.ts')) {
      continue; // tests may wire real adapters
    }
    for (const spec of relativeImports(file)) {
      const target = resolve(dirname(file), spec);
      if ((portsOpenTo[from] ?? []).includes(relative(root, target))) {
        continue;
      }
      const to = area(target);
      assert.ok(!banned.includes(to), `${relative(root, file)} (${from}) must not import ${to} (${spec})`);
    }
  }
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

/** Why a literal in `file` points outside the repository, or null. */
function outsidePath(file: string, literal: string): string | null {
  if (/(^|[/\\])shared[/\\]goto-|goto-api\.md/.test(literal)) {
    return 'names the team folder beside the checkout (shared/goto-…); fixtures live in test/fixtures/goto';
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
  assert.ok(outsidePath(file, '../../../../shared/goto-fixtures/'));
  assert.ok(outsidePath(file, '../../../../anything'));
  assert.ok(outsidePath(join(root, 'bench/x.ts'), '../../shared/STYLE.md'));
  assert.ok(outsidePath(file, '/work/shared/goto-fixtures/oauth/token-refresh.json'));
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
