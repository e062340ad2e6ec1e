/**
 * cdk-nag AwsSolutions on the synthesised stack: every finding is fixed or acknowledged with a reason,
 * with the default settings and with the production options; every docs/aws.md section a reason cites
 * exists.
 */
import { readFileSync } from 'node:fs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ACKNOWLEDGED_REASONS } from '../lib/nag.js';
import { stackWithoutBundling } from './support/template.js';

function openFindings(context: Record<string, unknown>): string[] {
  const report = new AwsSolutionsChecks().validateScope(stackWithoutBundling(context));
  return report.violations.map(
    (v) =>
      `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId).join(', ')}`,
  );
}

describe('cdk-nag AwsSolutionsChecks', () => {
  it('leaves no finding without a written reason', () => {
    expect(openFindings({})).toEqual([]);
  });

  it('leaves none with Multi-AZ, a NAT per AZ and a custom domain either (their acknowledgements drop out)', () => {
    expect(
      openFindings({
        'pharos:multiAz': 'true',
        'pharos:natPerAz': 'true',
        'pharos:webDomainName': 'photos.example.com',
        'pharos:webCertificateArn': 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
      }),
    ).toEqual([]);
  });

  it('cites only docs/aws.md sections that exist', () => {
    openFindings({});
    const headings = new Set(
      readFileSync(new URL('../../docs/aws.md', import.meta.url), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('#'))
        .map((line) => line.replace(/^#+\s*/, '').trim()),
    );
    const cited = ACKNOWLEDGED_REASONS.filter((r) => r.includes('docs/aws.md'));
    expect(cited.length).toBeGreaterThan(2);
    for (const reason of cited) {
      const section = /docs\/aws\.md, "([^"]+)"/.exec(reason)?.[1];
      expect(section, reason).toBeDefined();
      expect(headings.has(section!), `${section} in docs/aws.md`).toBe(true);
    }
  });
});
