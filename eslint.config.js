// Type-aware lint for the whole repository, with the import boundaries of docs/design.md:
// imports point inward (adapters -> app -> core), and the LastPass simulator imports nothing
// from lpprov so that it cannot copy the client's mistakes.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Folders of src/ and the src/ folders each one may import from (besides itself). */
const boundaries = {
  // config turns the environment into values, some of them core types (Secret); core stays pure.
  config: ['core'],
  core: [],
  observability: ['config'],
  app: ['core'],
  db: ['core', 'config', 'observability'],
  outbox: ['core', 'db', 'config', 'observability'],
  lastpass: ['core', 'config', 'observability'],
  scim: ['app', 'core', 'config', 'observability'],
  consumers: ['app', 'core', 'config', 'observability'],
  simulator: [],
};

const zones = Object.entries(boundaries).map(([folder, allowed]) => ({
  target: `./src/${folder}`,
  from: './src',
  except: [`./${folder}`, ...allowed.map((a) => `./${a}`)],
  message: `src/${folder} may import only from ${allowed.length ? allowed.map((a) => `src/${a}`).join(', ') : 'itself'} (docs/design.md, Layout).`,
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.cache/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'scripts/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      curly: ['error', 'multi-line'],
      'import-x/no-restricted-paths': ['error', { zones }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Only src/config reads the environment; pass configuration in.',
        },
      ],
    },
  },
  {
    // Configuration parsing, the command line's entry and test/bench support may read the environment.
    files: ['src/config/**', 'src/cli/**', 'test/**', 'bench/**', '*.ts', '*.js', 'bin/**', 'scripts/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { URL: 'readonly', process: 'readonly', console: 'readonly' },
    },
  },
);
