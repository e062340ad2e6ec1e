import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const CORE_ONLY = 'src/core imports only files inside src/core (no package, builtin, adapter or app).';

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'infra/cdk.out/**', 'data/**', 'test-results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // The core is pure: it imports only its own files (an allowlist: no package, no node: builtin, no
    // path out of src/core). Files at src/core/ may import ./x; files one folder down, ./x and ../x.
    files: ['src/core/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./)', message: CORE_ONLY }] }],
    },
  },
  {
    files: ['src/core/*/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!\\.\\.?/)', message: CORE_ONLY },
            { regex: '^\\.\\./\\.\\./', message: CORE_ONLY },
          ],
        },
      ],
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
