// ESLint: typescript-eslint's type-aware rules over the TypeScript, and the architecture written as
// rules where an import can break it. Formatting is Prettier's (.prettierrc.json), not ESLint's.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['build/', 'dist/', 'coverage/', 'data/', 'node_modules/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    rules: {
      // A promise nobody awaits or catches loses its error (and, in a handler, the request).
      '@typescript-eslint/no-floating-promises': 'error',
      // An async function where a plain callback is expected: its rejection goes nowhere.
      '@typescript-eslint/no-misused-promises': 'error',
      // A new status, outcome or strategy must be handled wherever one is switched on.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/tests/**'],
              message:
                'src/ is what the package ships and it compiles without tests/ (tsconfig.package.json): test support such as the fake SiliconFlow stays out of it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/siliconflow/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*'],
              message:
                'src/siliconflow/ says what the upstream does and depends on nothing of the app, so the checks, the proxy and the fake can all import it.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read JSON answers (supertest's body, fetch's json()) as `any` on purpose: asserting on them
    // is the point. Promises, switches and unused code are held to the same rules as src/. Test
    // support (the fake SiliconFlow) is code like src/ and keeps the full rules.
    files: ['tests/**/*.ts'],
    ignores: ['tests/support/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Plain JavaScript run as is by any Node: the packaged start script and this file.
    files: ['**/*.js', '**/*.mjs'],
    ignores: ['public/js/**'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // The browser code is plain JavaScript too, but typed through its JSDoc (// @ts-check) and held to
    // the same type-aware rules as src/ — a promise nobody handles is a click that fails silently —
    // against its own project, tsconfig.browser.json: DOM types and globals, no Node.
    files: ['public/js/**/*.js', 'types/browser/**/*.ts'],
    languageOptions: {
      globals: globals.browser,
      sourceType: 'module',
      parserOptions: { projectService: false, project: ['./tsconfig.browser.json'], tsconfigRootDir: import.meta.dirname },
    },
  },
);
