// Lint rules that hold the architecture (STYLE.md): type-aware checks for promises and
// exhaustive switches, and the dependency rule between src/ folders.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

/** Folders a folder must not import from (domain ← csv, access, store ← services ← http, cli, jobs ← main). */
const forbidden = [
  { target: './src/domain', from: './src', except: ['./domain'], message: 'domain is pure: it imports nothing from src/.' },
  { target: './src/csv', from: ['./src/store', './src/services', './src/http', './src/cli', './src/jobs', './src/main', './src/access'] },
  { target: './src/access', from: ['./src/store', './src/services', './src/http', './src/cli', './src/jobs', './src/main', './src/csv'] },
  { target: './src/store', from: ['./src/services', './src/http', './src/cli', './src/jobs', './src/main', './src/csv', './src/access'] },
  { target: './src/services', from: ['./src/http', './src/cli', './src/jobs', './src/main'] },
  { target: ['./src/http', './src/cli', './src/jobs'], from: ['./src/main'] },
  { target: ['./src/config', './src/platform'], from: ['./src/services', './src/http', './src/cli', './src/jobs', './src/main', './src/store'] },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'web/dist/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      curly: ['error', 'all'],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-restricted-paths': ['error', { zones: forbidden }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
