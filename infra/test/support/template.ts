/** The stack's template for assertions: synthesized without bundling, logical ids, what a role may do. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../bin/pharos.js';
import type { PharosStack } from '../../lib/pharos-stack.js';

export interface Synthesized {
  stack: PharosStack;
  template: Template;
}

export type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** The stack with bundling skipped (`npm run synth` bundles for real), so it takes a second. */
export function stackWithoutBundling(context: Record<string, unknown> = {}): PharosStack {
  return buildApp(new App({ context: { 'aws:cdk:bundling-stacks': [], 'pharos:webDist': '', ...context } }))
    .stack;
}

export function synthWithoutBundling(context: Record<string, unknown> = {}): Synthesized {
  const stack = stackWithoutBundling(context);
  return { stack, template: Template.fromStack(stack) };
}

export const logicalId = (stack: PharosStack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);

/** Every policy statement attached to the function's role. */
export function statementsOf({ stack, template }: Synthesized, fn: { role?: unknown }): Statement[] {
  const roleId = logicalId(stack, fn.role as { node: { defaultChild?: unknown } });
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

/** Each action the function's role is granted, with the resource it is granted on (as JSON). */
export function grantsOf(synthesized: Synthesized, fn: { role?: unknown }): Map<string, string> {
  return new Map(
    statementsOf(synthesized, fn).flatMap((s) =>
      [s.Action].flat().map((action) => [action, JSON.stringify(s.Resource)] as const),
    ),
  );
}
