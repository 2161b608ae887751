/**
 * The layout rule of docs/architecture.md and the README's table of folders (both tables are held
 * to FOLDERS by test/scripts/layout-rule.test.ts): each folder imports only the folders above it
 * in the table, so dependencies point one way and the folders form no cycle.
 * `npm test` runs it (npm run lint:layout); a wrong import fails with the rule's name and why.
 */
const FOLDERS = {
  exec: [],
  model: [],
  view: ['model'],
  constructs: ['model'],
  stacks: ['model', 'view', 'constructs'],
  network: ['model', 'view'],
  monitoring: ['exec', 'model', 'view', 'network'],
  synth: ['exec', 'model', 'view', 'constructs', 'stacks', 'network', 'monitoring'],
  audit: ['exec', 'model', 'view', 'synth'],
  deploy: ['exec', 'model', 'synth', 'audit'],
  runbooks: ['exec', 'model', 'view', 'monitoring'],
};
const ALL = [...Object.keys(FOLDERS), 'scripts', 'test', 'bin'];

const layoutRules = Object.entries(FOLDERS).map(([folder, allowed]) => {
  const others = ALL.filter((f) => f !== folder && !allowed.includes(f));
  return {
    name: `${folder}-imports-only-${allowed.length ? allowed.join('-') : 'itself'}`,
    severity: 'error',
    comment: `${folder}/ may import ${allowed.length ? `only ${allowed.join(', ')}` : 'none of the other folders'} (the layout rule: dependencies point down the table of docs/architecture.md, never back up a row)`,
    from: { path: `^${folder}/` },
    to: { path: `^(${others.join('|')})/` },
  };
});

module.exports = {
  forbidden: [
    ...layoutRules,
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'modules that import each other, directly or around a loop, cannot be understood or changed one at a time',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'an import that resolves to nothing is a typo or a missing dependency',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|out|\\.bench|\\.citycloud)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.mjs', '.js', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
