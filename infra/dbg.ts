import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from './bin/pharos.js';
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const { stack } = buildApp(app);
const t0 = Date.now();
const report = new AwsSolutionsChecks().validateScope(stack);
console.log(Date.now() - t0, 'ms');
for (const v of report.violations)
  console.log(
    v.ruleName,
    '|',
    v.violatingResources
      .map((r) => r.constructPath ?? r.resourceLogicalId)
      .join(', ')
      .slice(0, 600),
  );
