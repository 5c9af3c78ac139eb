// Lint rules that hold the architecture (STYLE.md): type-aware checks for promises and
// exhaustive switches, and the dependency rule between src/ folders.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The dependency rule between src/ folders (STYLE.md):
 * domain ← csv, access, store ← auth ← services ← http, cli, jobs ← main; config and platform
 * are importable by all but domain. Each entry lists the folders a layer must not import.
 */
const layers = {
  domain: [
    'csv',
    'access',
    'store',
    'services',
    'jobs',
    'http',
    'cli',
    'main',
    'config',
    'platform',
  ],
  csv: ['access', 'store', 'services', 'jobs', 'http', 'cli', 'main'],
  access: ['csv', 'store', 'services', 'jobs', 'http', 'cli', 'main'],
  auth: ['csv', 'access', 'services', 'jobs', 'http', 'cli', 'main', 'config'],
  store: ['csv', 'access', 'services', 'jobs', 'http', 'cli', 'main'],
  services: ['jobs', 'http', 'cli', 'main'],
  jobs: ['http', 'cli', 'main'],
  http: ['cli', 'jobs', 'main'],
  cli: ['http', 'main'],
  config: ['csv', 'access', 'store', 'services', 'jobs', 'http', 'cli', 'main'],
  platform: ['csv', 'access', 'store', 'services', 'jobs', 'http', 'cli', 'main', 'config'],
};
const dependencyRule = Object.entries(layers).map(([layer, forbidden]) => ({
  files: [`src/${layer}/**/*.ts`],
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((folder) => ({
          group: [`**/${folder}/*`, `**/${folder}/**`],
          message: `src/${layer} must not import from src/${folder} (dependency rule, docs/ARCHITECTURE.md).`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', '.bench/**', 'node_modules/**', 'coverage/**', 'web/dist/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // web/ is type-checked through its own tsconfig (DOM, JSX), found by the project service.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      curly: ['error', 'all'],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  ...dependencyRule,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
);
