// ESLint for the console's ES modules (what browsers run), run by the test suite
// (tests/CMakeLists.txt: Console.Lint). Pinned by package-lock.json; `npm ci` installs it.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['vendor/**', 'node_modules/**'] },
  js.configs.recommended,
  {
    files: ['*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.browser },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],  // x == null: null or undefined, on purpose
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
  {
    // The web chat widget: one classic script (other sites load it with <script src>), no modules.
    files: ['chat/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'script', globals: globals.browser },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
];
