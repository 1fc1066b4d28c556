import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * The only files that may inject RUNTIME_DATA_SOURCE, the raw runtime DataSource: it bypasses
 * the tenant door (TenantDb), so it is for directory tables read before a tenant is known and
 * for maintenance across tenants. Each file says why in a comment at its injection.
 */
const RAW_DATA_SOURCE_ALLOWED = [
  'src/core.module.ts', // provides it
  'src/database/tenant-db.ts', // the tenant door itself
  'src/tenant/access.service.ts', // clinic access: tenants, memberships
  'src/api/api-token.service.ts', // a token's tenant is looked up first
  'src/staff/auth.service.ts', // sign-in: users
  'src/staff/user.service.ts', // logins: users
  'src/company/company.service.ts', // companies and their tenants
  'src/company/company-staff.service.ts', // people across a company's clinics
  'src/admin/platform-stats.service.ts', // numbers across every tenant
  'src/audit/audit-partitions.ts', // partitions for every tenant
  'src/record/orphan-sweeper.ts', // lists every tenant
  'src/health/health.controller.ts', // readiness ping
  'src/message/message-relay.ts', // ids of due messages in every tenant
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'test/artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: RAW_DATA_SOURCE_ALLOWED,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)tenant-db\\.js$',
              importNames: ['RUNTIME_DATA_SOURCE'],
              message:
                'The raw runtime DataSource bypasses the tenant door: use TenantDb.run/runFor. Directory and maintenance files are allowed in eslint.config.js (RAW_DATA_SOURCE_ALLOWED), with a comment saying why.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
