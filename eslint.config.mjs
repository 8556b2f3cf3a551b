// ESLint: typescript-eslint's type-aware rules over the TypeScript, and the architecture written as
// rules where an import can break it. Formatting is Prettier's (.prettierrc.json), not ESLint's.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// ESLint applies the last matching options of a rule, not their union: every block that sets
// no-restricted-imports lists all the patterns its files keep, so these are shared.
const noTestsInSrc = {
  group: ['**/tests/**'],
  message:
    'src/ is what the package ships and it compiles without tests/ (tsconfig.package.json): test support such as the fake SiliconFlow stays out of it.',
};
const CONTEXT_WHY =
  'src/context.ts is the composition root: it builds every service and hands each router, job and service an object ' +
  'with just what it uses (AppDeps, ServerDeps, the XxxDeps types beside each one). Imported anywhere but an entry point ' +
  '(src/launch.ts, scripts/demo.ts, scripts/bench/seed.ts, tests/helpers/), it makes the whole application a dependency again';
const noContextInSrc = {
  regex: '^(?:\\.\\.?/)+context(?:\\.js)?$',
  message: `${CONTEXT_WHY}: take an XxxDeps parameter instead, and have createContext build it.`,
};
const noContextOutsideSrc = {
  regex: '(?:^|/)src/context(?:\\.js)?$',
  message: `${CONTEXT_WHY}: tests build apps through tests/helpers/test-app.ts (its ctx holds every service).`,
};

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
    rules: { 'no-restricted-imports': ['error', { patterns: [noTestsInSrc, noContextInSrc] }] },
  },
  {
    // The server's entry point builds the context (server.ts and start-direct.js call it).
    files: ['src/launch.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noTestsInSrc] }] },
  },
  {
    files: ['src/siliconflow/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noTestsInSrc,
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
    // The other entry points: the demo and the benchmark's seeding start the app as the server does,
    // the test helpers build it for tests (which reach it through them), and one test is about what
    // createContext itself does to DATA_DIR.
    files: ['scripts/**/*.ts', 'tests/**/*.ts'],
    ignores: ['scripts/demo.ts', 'scripts/bench/seed.ts', 'tests/helpers/**', 'tests/integration/data-dir-modes.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noContextOutsideSrc] }] },
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
