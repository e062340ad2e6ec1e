import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    // The core is pure: no SDK, framework or database driver may leak into it.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'pg',
                'pg-*',
                'hono',
                'hono/*',
                '@aws-sdk/*',
                'openai',
                'sharp',
                'ws',
                'pino',
                'zod',
                'jose',
                '../adapters/*',
                '../../adapters/*',
                '../app/*',
                '../../app/*',
              ],
              message: 'src/core imports no SDK, framework, driver or adapter.',
            },
          ],
        },
      ],
    },
  },
);
