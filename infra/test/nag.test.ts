/** cdk-nag AwsSolutions on the synthesised stack: every finding is fixed or acknowledged with a reason. */
import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../bin/pharos.js';

describe('cdk-nag AwsSolutionsChecks', () => {
  it('leaves no finding without a written reason', () => {
    const { stack } = buildApp(new App({ context: { 'aws:cdk:bundling-stacks': [], 'pharos:webDist': '' } }));
    const report = new AwsSolutionsChecks().validateScope(stack);
    const open = report.violations.map(
      (v) =>
        `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId).join(', ')}`,
    );
    expect(open).toEqual([]);
  });
});
