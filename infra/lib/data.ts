/**
 * State: the network, PostgreSQL (RDS in isolated subnets, behind RDS Proxy, credentials generated into
 * Secrets Manager and rotated), the DynamoDB status and WebSocket-connections tables, the uploads bucket.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CONNECTIONS_USER_INDEX } from '../../src/entry/lambda/connections.js';
import type { PharosSettings } from './settings.js';

export class PharosData extends Construct {
  readonly vpc: ec2.Vpc;
  readonly database: rds.DatabaseInstance;
  readonly proxy: rds.DatabaseProxy;
  /** Functions that reach PostgreSQL (through the proxy) carry this group. */
  readonly databaseClients: ec2.SecurityGroup;
  readonly statusTable: dynamodb.Table;
  readonly connectionsTable: dynamodb.Table;
  readonly uploads: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, settings: Pick<PharosSettings, 'multiAz' | 'natPerAz'>) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      // One NAT is cheap but a single point of failure for the functions' egress; natPerAz gives each AZ its own.
      natGateways: settings.natPerAz ? 2 : 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        // Lambdas: they call Rekognition, SageMaker, OpenAI and the AWS APIs through the NAT gateway.
        { name: 'functions', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        // PostgreSQL and its proxy: no route to the internet at all.
        { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.REJECT } },
      // S3 and DynamoDB traffic (photos, status, connections) stays on the AWS network, free of NAT charges.
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });

    this.databaseClients = new ec2.SecurityGroup(this, 'DatabaseClients', {
      vpc: this.vpc,
      description: 'Pharos functions that query PostgreSQL through RDS Proxy',
      allowAllOutbound: true,
    });
    const proxyGroup = new ec2.SecurityGroup(this, 'ProxyGroup', {
      vpc: this.vpc,
      description: 'RDS Proxy',
      allowAllOutbound: false,
    });
    const databaseGroup = new ec2.SecurityGroup(this, 'DatabaseGroup', {
      vpc: this.vpc,
      description: 'PostgreSQL',
      allowAllOutbound: false,
    });
    proxyGroup.addIngressRule(this.databaseClients, ec2.Port.tcp(5432), 'functions to the proxy');
    proxyGroup.addEgressRule(databaseGroup, ec2.Port.tcp(5432), 'proxy to PostgreSQL');
    databaseGroup.addIngressRule(proxyGroup, ec2.Port.tcp(5432), 'proxy to PostgreSQL');

    this.database = new rds.DatabaseInstance(this, 'Postgres', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [databaseGroup],
      databaseName: 'pharos',
      credentials: rds.Credentials.fromGeneratedSecret('pharos'),
      storageEncrypted: true,
      allocatedStorage: 20,
      maxAllocatedStorage: 100,
      backupRetention: Duration.days(7),
      deletionProtection: true,
      multiAz: settings.multiAz,
      enablePerformanceInsights: false,
      cloudwatchLogsExports: ['postgresql'],
      autoMinorVersionUpgrade: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    // The rotation function runs in the functions subnets: it reaches PostgreSQL inside the VPC and the
    // Secrets Manager API through the NAT (in the isolated subnets it could reach neither API nor internet).
    this.database.addRotationSingleUser({
      automaticallyAfter: Duration.days(30),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    this.proxy = this.database.addProxy('Proxy', {
      secrets: [this.database.secret!],
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [proxyGroup],
      requireTLS: true,
      debugLogging: false,
    });

    this.statusTable = new dynamodb.Table(this, 'ImageStatus', {
      partitionKey: { name: 'image_id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.connectionsTable = new dynamodb.Table(this, 'Connections', {
      partitionKey: { name: 'connection_id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: 'expires_at',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.connectionsTable.addGlobalSecondaryIndex({
      indexName: CONNECTIONS_USER_INDEX,
      partitionKey: { name: 'user_id', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.uploads = new s3.Bucket(this, 'Uploads', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      eventBridgeEnabled: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'uploads/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** The proxy endpoint and secret, as the Lambda runtime reads them. */
  databaseEnvironment(): Record<string, string> {
    return {
      PHAROS_DB_SECRET_ARN: this.database.secret!.secretArn,
      PHAROS_DB_HOST: this.proxy.endpoint,
      PHAROS_DB_NAME: 'pharos',
    };
  }
}
