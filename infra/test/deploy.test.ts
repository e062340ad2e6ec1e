/**
 * The deploy fixes, asserted on the synthesised template: networking (rotation reachable, gateway
 * endpoints, Multi-AZ and NAT per AZ as options), the pinned beauty model, the OpenAI placeholder,
 * CloudFront's app-route rewrite on the web behaviour only, the web UI's config.json, and Cognito's
 * managed login with a code + PKCE client redirecting only to the web URL.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { OPENAI_KEY_PLACEHOLDER, describersFor } from '../../src/entry/lambda/openai-key.js';
import { SPA_ROUTES_FUNCTION } from '../lib/edge.js';
import { logicalId, synthWithoutBundling } from './support/template.js';

const synth = synthWithoutBundling;
const defaults = synth();
const id = logicalId;

describe('the network', () => {
  it('runs the rotation function in the functions subnets (NAT egress to Secrets Manager), not the isolated ones', () => {
    const { template } = defaults;
    const [rotation] = Object.values(template.findResources('AWS::Serverless::Application'));
    const subnets = JSON.stringify(rotation!.Properties.Parameters.vpcSubnetIds);
    expect(subnets).toContain('functionsSubnet1');
    expect(subnets).toContain('functionsSubnet2');
    expect(subnets).not.toContain('database');
    // The functions subnets route to the internet through a NAT gateway.
    template.hasResourceProperties('AWS::EC2::Route', {
      RouteTableId: { Ref: Match.stringLikeRegexp('functionsSubnet1RouteTable') },
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: Match.anyValue(),
    });
  });

  it('has S3 and DynamoDB gateway endpoints on every route table', () => {
    const { template } = defaults;
    for (const service of ['.s3', '.dynamodb']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, service]] },
        RouteTableIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('functionsSubnet1RouteTable') }]),
      });
    }
  });

  it('is single-AZ with one NAT by default; multiAz and natPerAz switch to a standby and a NAT per AZ', () => {
    defaults.template.resourceCountIs('AWS::EC2::NatGateway', 1);
    defaults.template.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: false });
    const production = synth({ 'pharos:multiAz': 'true', 'pharos:natPerAz': 'true' }).template;
    production.resourceCountIs('AWS::EC2::NatGateway', 2);
    production.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: true });
  });
});

describe('the providers', () => {
  it('needs a pinned 40-hex commit for the beauty model: no default, a branch name is refused', () => {
    const parameter = defaults.template.toJSON().Parameters.BeautyModelRevision;
    expect(parameter.Default).toBeUndefined();
    const pattern = new RegExp(parameter.AllowedPattern as string);
    expect(pattern.test('main')).toBe(false);
    expect(pattern.test('a'.repeat(39))).toBe(false);
    expect(pattern.test('0123456789abcdef0123456789abcdef01234567')).toBe(true);
  });

  it('creates the OpenAI secret with the known placeholder, which the Lambdas answer with the local describer', () => {
    defaults.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      SecretString: OPENAI_KEY_PLACEHOLDER,
    });
    expect(describersFor('openai', OPENAI_KEY_PLACEHOLDER)).toBe('local');
    expect(describersFor('openai', undefined)).toBe('local');
    expect(describersFor('openai,local', ` ${OPENAI_KEY_PLACEHOLDER} `)).toBe('local');
    expect(describersFor('openai', 'sk-real')).toBe('openai');
    expect(describersFor('local', undefined)).toBe('local');
  });
});

describe('the web front door', () => {
  it('rewrites app routes to index.html on the web behaviour only, and answers no error with index.html', () => {
    const { stack, template } = defaults;
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const config = distribution!.Properties.DistributionConfig;
    expect(config.CustomErrorResponses).toBeUndefined();
    const functionId = stack.getLogicalId(stack.web.node.findChild('SpaRoutes').node.defaultChild as never);
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
    ]);
    for (const behaviour of config.CacheBehaviors as {
      PathPattern: string;
      FunctionAssociations?: unknown;
    }[])
      expect(behaviour.FunctionAssociations, behaviour.PathPattern).toBeUndefined();
    // The function itself, run as CloudFront runs it.
    const handler = new Function(`${SPA_ROUTES_FUNCTION}; return handler;`)() as (e: unknown) => {
      uri: string;
    };
    const uri = (u: string) => handler({ request: { uri: u } }).uri;
    expect(uri('/photos/123')).toBe('/index.html');
    expect(uri('/')).toBe('/index.html');
    expect(uri('/assets/index-abc.js')).toBe('/assets/index-abc.js');
    expect(uri('/config.json')).toBe('/config.json');
  });

  it('writes config.json next to the bundle from the stack outputs', () => {
    const { stack, template } = defaults;
    const config = stack.resolve(stack.web.runtimeConfig);
    const cdn = id(stack, stack.web.distribution);
    expect(config).toEqual({
      apiBaseUrl: '',
      webSocketUrl: expect.objectContaining({ 'Fn::Join': expect.anything() }),
      auth: {
        mode: 'oidc',
        authority: {
          'Fn::Join': [
            '',
            [
              'https://cognito-idp.',
              { Ref: 'AWS::Region' },
              '.amazonaws.com/',
              { Ref: id(stack, stack.api.userPool) },
            ],
          ],
        },
        clientId: { Ref: id(stack, stack.api.client) },
        scope: 'openid email profile',
        logoutUrl: expect.objectContaining({ 'Fn::Join': expect.anything() }),
      },
      upload: { mode: 'direct', maxBytes: 25 * 1024 * 1024 },
    });
    expect(JSON.stringify(config.webSocketUrl)).toContain(id(stack, stack.api.webSocketApi));
    expect(JSON.stringify(config.webSocketUrl)).toContain('wss://');
    expect(JSON.stringify(config.auth.logoutUrl)).toContain('.amazoncognito.com/logout"');
    expect(JSON.stringify(config.auth.logoutUrl)).toContain(id(stack, stack.api.domain));
    // The callback the UI uses (`<origin>/`) is among the client's, whichever the page's domain.
    expect(JSON.stringify(template.toJSON())).toContain(cdn);
    // One deployment carries the bundle and config.json, its deploy-time values as markers.
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      SourceMarkers: Match.arrayWith([
        Match.objectLike({ '<<marker:0xbaba:0>>': { Ref: id(stack, stack.api.webSocketApi) } }),
      ]),
    });
    expect(synth({ 'pharos:maxUploadBytes': '1048576' }).stack.web.runtimeConfig!.upload.maxBytes).toBe(
      1048576,
    );
  });

  it('lets the browser POST uploads to the bucket and follow redirects to it, from the web origin only', () => {
    const { stack, template } = defaults;
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({
            AllowedMethods: ['POST', 'GET'],
            AllowedOrigins: [
              {
                'Fn::Join': [
                  '',
                  ['https://', { 'Fn::GetAtt': [id(stack, stack.web.distribution), 'DomainName'] }],
                ],
              },
            ],
          }),
        ],
      },
      NotificationConfiguration: Match.absent(),
    });
  });

  it('uses a custom domain and its certificate when given', () => {
    const { stack, template } = synth({
      'pharos:webDomainName': 'photos.example.com',
      'pharos:webCertificateArn': 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['photos.example.com'],
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021' }),
      }),
    });
    expect(stack.web.url).toBe('https://photos.example.com');
    expect(() => synth({ 'pharos:webDomainName': 'photos.example.com' })).toThrow(/go together/);
  });
});

describe('sign-in', () => {
  it('has a managed login domain and a public code + PKCE client redirecting only to the web URL', () => {
    const { stack, template } = defaults;
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      ManagedLoginVersion: 2,
      Domain: { 'Fn::Join': ['', ['pharos-', { Ref: 'AWS::AccountId' }]] },
    });
    template.resourceCountIs('AWS::Cognito::ManagedLoginBranding', 1);
    const web = {
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [id(stack, stack.web.distribution), 'DomainName'] }]],
    };
    const webSlash = {
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [id(stack, stack.web.distribution), 'DomainName'] }, '/'],
      ],
    };
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: [web, webSlash],
      LogoutURLs: [web, webSlash],
      SupportedIdentityProviders: ['COGNITO'],
    });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });

  it('opens self sign-up (with e-mail verification) only when asked', () => {
    synth({ 'pharos:selfSignUp': 'true' }).template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      AutoVerifiedAttributes: ['email'],
    });
  });
});
