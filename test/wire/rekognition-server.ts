/**
 * Rekognition over its real wire protocol (AWS JSON 1.1, `RekognitionService.DetectLabels`). It checks
 * the signature, the image (bytes within 5 MB, or an S3Object that exists in the fake S3) and the
 * parameters, then answers a fixed lighthouse scene in Rekognition's shape.
 */
import { answerFault, awsJsonError, refuseUnsigned, targetOperation } from './aws-json.js';
import { type FakeServer, sendJson, startFakeServer } from './fake-server.js';

export const REKOGNITION_LABELS = [
  {
    Name: 'Lighthouse',
    Confidence: 99.21,
    Parents: [{ Name: 'Building' }, { Name: 'Tower' }],
    Categories: [{ Name: 'Buildings and Architecture' }],
  },
  {
    Name: 'Tower',
    Confidence: 98.7,
    Parents: [{ Name: 'Building' }],
    Categories: [{ Name: 'Buildings and Architecture' }],
  },
  {
    Name: 'Sea',
    Confidence: 95.4,
    Parents: [{ Name: 'Outdoors' }, { Name: 'Nature' }],
    Categories: [{ Name: 'Nature and Outdoors' }],
  },
  {
    Name: 'Sky',
    Confidence: 91.03,
    Parents: [{ Name: 'Outdoors' }],
    Categories: [{ Name: 'Nature and Outdoors' }],
  },
  { Name: 'Rock', Confidence: 84.5, Parents: [], Categories: [{ Name: 'Nature and Outdoors' }] },
  {
    Name: 'Cloud',
    Confidence: 71.2,
    Parents: [{ Name: 'Sky' }],
    Categories: [{ Name: 'Nature and Outdoors' }],
  },
];
export const REKOGNITION_MODEL_VERSION = '3.0';

export interface RekognitionFake extends FakeServer {
  /** What DetectLabels received, per call. */
  images: { bytes?: number; s3?: { bucket: string; key: string } }[];
}

export async function startRekognitionServer(
  options: { s3Has?: (bucket: string, key: string) => boolean } = {},
): Promise<RekognitionFake> {
  const images: RekognitionFake['images'] = [];
  const fake = await startFakeServer(targetOperation, (request, response, fault) => {
    if (refuseUnsigned(request, response, '1.1', 'rekognition')) return;
    if (request.headers['x-amz-target'] !== 'RekognitionService.DetectLabels') {
      return awsJsonError(
        response,
        '1.1',
        400,
        'UnknownOperationException',
        `unknown target ${String(request.headers['x-amz-target'])}`,
      );
    }
    if (answerFault(response, '1.1', fault)) return;
    const body = JSON.parse(request.body.toString('utf8')) as {
      Image?: { Bytes?: string; S3Object?: { Bucket: string; Name: string } };
      MaxLabels?: number;
      MinConfidence?: number;
    };
    if (body.Image?.Bytes) {
      const bytes = Buffer.from(body.Image.Bytes, 'base64');
      if (bytes.byteLength > 5 * 1024 * 1024)
        return awsJsonError(response, '1.1', 400, 'ImageTooLargeException', 'Image size is too large.');
      if (!(bytes[0] === 0xff && bytes[1] === 0xd8) && !(bytes[0] === 0x89 && bytes[1] === 0x50)) {
        return awsJsonError(
          response,
          '1.1',
          400,
          'InvalidImageFormatException',
          'Request has unsupported image format',
        );
      }
      images.push({ bytes: bytes.byteLength });
    } else if (body.Image?.S3Object) {
      const { Bucket, Name } = body.Image.S3Object;
      if (options.s3Has && !options.s3Has(Bucket, Name)) {
        return awsJsonError(
          response,
          '1.1',
          400,
          'InvalidS3ObjectException',
          'Unable to get object metadata from S3. Check object key, region and/or access permissions.',
        );
      }
      images.push({ s3: { bucket: Bucket, key: Name } });
    } else {
      return awsJsonError(
        response,
        '1.1',
        400,
        'InvalidParameterException',
        'Image must have Bytes or S3Object',
      );
    }
    const labels = REKOGNITION_LABELS.filter((l) => l.Confidence >= (body.MinConfidence ?? 55)).slice(
      0,
      body.MaxLabels ?? 1000,
    );
    sendJson(
      response,
      200,
      { Labels: labels, LabelModelVersion: REKOGNITION_MODEL_VERSION },
      { 'content-type': 'application/x-amz-json-1.1' },
    );
  });
  return Object.assign(fake, { images });
}
