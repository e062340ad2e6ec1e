/**
 * The beauty model: a SageMaker serverless endpoint running the Hugging Face inference container
 * (PyTorch, CPU) with the model named by stack parameters, e.g. `cafeai/cafe_aesthetic` — note that
 * this model is licensed AGPL-3.0; check that its terms suit your deployment before you use it.
 */
import { Aws, CfnParameter, Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import type { PharosSettings } from './settings.js';

export class BeautyEndpoint extends Construct {
  readonly endpointName: string;
  readonly endpointArn: string;
  readonly modelId: CfnParameter;
  readonly label: CfnParameter;

  constructor(scope: Construct, id: string, settings: PharosSettings) {
    super(scope, id);
    this.modelId = new CfnParameter(scope, 'BeautyModelId', {
      type: 'String',
      default: 'cafeai/cafe_aesthetic',
      description:
        'Hugging Face model id of the beauty (aesthetics) classifier. cafeai/cafe_aesthetic is AGPL-3.0.',
    });
    // Required and pinned: a branch name such as `main` would let the weights change under a running stack.
    const revision = new CfnParameter(scope, 'BeautyModelRevision', {
      type: 'String',
      allowedPattern: '^[0-9a-f]{40}$',
      constraintDescription:
        'must be a full 40-character Hugging Face commit hash (a branch like main is refused)',
      description:
        'Hugging Face commit hash of the model (required; pins the exact weights). See docs/aws.md, "Deploy".',
    });
    this.label = new CfnParameter(scope, 'BeautyLabel', {
      type: 'String',
      default: 'aesthetic',
      description: 'The classification label whose probability is the beauty score.',
    });

    const image = Fn.sub(settings.huggingFaceImage.replace('{region}', '${AWS::Region}'));
    const repository = Fn.select(0, Fn.split(':', Fn.select(1, Fn.split('/', image))));
    const registryAccount = Fn.select(0, Fn.split('.', image));
    const role = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: 'Pulls the Hugging Face inference image and writes the endpoint logs',
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        resources: [`arn:${Aws.PARTITION}:ecr:${Aws.REGION}:${registryAccount}:repository/${repository}`],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [
          `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:/aws/sagemaker/Endpoints/*`,
        ],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': 'AWS/SageMaker' } },
      }),
    );

    const model = new sagemaker.CfnModel(this, 'Model', {
      executionRoleArn: role.roleArn,
      primaryContainer: {
        image,
        environment: {
          HF_MODEL_ID: this.modelId.valueAsString,
          HF_MODEL_REVISION: revision.valueAsString,
          HF_TASK: 'image-classification',
        },
      },
    });
    model.node.addDependency(role);
    const config = new sagemaker.CfnEndpointConfig(this, 'Config', {
      productionVariants: [
        {
          variantName: 'AllTraffic',
          modelName: model.attrModelName,
          serverlessConfig: {
            memorySizeInMb: settings.sageMakerMemoryMb,
            maxConcurrency: settings.sageMakerConcurrency,
          },
        },
      ],
    });
    const endpoint = new sagemaker.CfnEndpoint(this, 'Endpoint', {
      endpointConfigName: config.attrEndpointConfigName,
    });
    this.endpointName = endpoint.attrEndpointName;
    // Ref of an AWS::SageMaker::Endpoint is its ARN.
    this.endpointArn = endpoint.ref;
  }
}
