/**
 * The one place AWS SDK clients are built. Everything comes from the SDK's standard configuration:
 * region and credentials from the default chain, endpoints from `AWS_ENDPOINT_URL` /
 * `AWS_ENDPOINT_URL_<SERVICE>` (read by the SDK itself). The only choice made here is who retries:
 *
 * - Provider clients (Rekognition, SageMaker) make a single attempt. The pipeline's retry policy
 *   (and, on AWS, the state machine's identical Retry block) owns retries for the AI steps, so every
 *   attempt is visible in the execution timeline and attempts never multiply (SDK × pipeline).
 * - Runtime clients (S3, SQS, DynamoDB, SNS) keep the SDK's standard retry mode: they are also called
 *   outside any pipeline state (the upload's PutObject, the queue's long-poll) where nothing else retries.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

const SINGLE_ATTEMPT = { maxAttempts: 1 } as const;

export const createRekognitionClient = () => new RekognitionClient(SINGLE_ATTEMPT);
export const createSageMakerRuntimeClient = () => new SageMakerRuntimeClient(SINGLE_ATTEMPT);

export const createS3Client = () => new S3Client({});
export const createSqsClient = () => new SQSClient({});
export const createDynamoDbClient = () => new DynamoDBClient({});
export const createSnsClient = () => new SNSClient({});
