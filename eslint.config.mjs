// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert',
  'buffer',
  'child_process',
  'crypto',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'https',
  'net',
  'os',
  'path',
  'process',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.cache/**', '.scratch/**', 'coverage/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_|MatchesSchema$', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Hostile input is refused by looking for NUL and control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Workflow code is replayed: it reaches the world only through activities, imported by type.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.flatMap((name) => [
            { name, message: 'Workflow code is deterministic: no Node built-ins.' },
            { name: `node:${name}`, message: 'Workflow code is deterministic: no Node built-ins.' },
          ]),
          patterns: [
            {
              group: ['**/db', '**/db/**', '**/api', '**/api/**'],
              message: 'Workflow code reaches the database and the API only through activities.',
            },
            {
              group: ['**/activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'Import activities by type only (proxyActivities<typeof ...>).',
            },
            {
              group: ['zod', '**/domain/schemas/**'],
              allowTypeImports: true,
              message: 'Zod schemas stay out of the workflow load path (see commandSchemas()).',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'Workflow code must not read the environment.' }],
    },
  },
);
