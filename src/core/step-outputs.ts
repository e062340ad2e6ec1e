/**
 * What each step returns, typed once. The steps are checked against these types, and the Step Functions
 * ResultSelector keeps exactly the fields listed here: a field added to a step's output type and not
 * listed (or listed and not in the type) is a compile error, not a value silently dropped on AWS.
 */
import type { BeautyScore, Caption, DetectedLabels, Label } from './domain.js';

export interface StepOutputs {
  /** The bytes' real type and size; `rendition` is the JPEG JPEG/PNG-only providers read, when one was made. */
  inspectImage: {
    content_type: string;
    width: number;
    height: number;
    bytes: number;
    rendition: { key: string; content_type: string } | null;
  };
  detectLabels: DetectedLabels;
  filterLabels: { labels: Label[] };
  describeAndTag: Caption;
  /** `error` is set only by SaveResults, when the null-beauty policy kept the rest. */
  scoreBeauty: Omit<BeautyScore, 'error'>;
  saveResults: { status: 'READY'; processed_at: string };
  markFailed: { status: 'FAILED'; error: string };
  notify: { at: string };
}

/** Every field of every step's output, optional ones included: `true` for each, checked by the compiler. */
type FieldSet<T> = { readonly [K in keyof Required<T>]: true };

const FIELDS: { readonly [S in keyof StepOutputs]: FieldSet<StepOutputs[S]> } = {
  inspectImage: { content_type: true, width: true, height: true, bytes: true, rendition: true },
  detectLabels: { labels: true, provenance: true, text: true },
  filterLabels: { labels: true },
  describeAndTag: { description: true, tags: true, provenance: true, usage: true },
  scoreBeauty: { score: true, raw: true, provenance: true },
  saveResults: { status: true, processed_at: true },
  markFailed: { status: true, error: true },
  notify: { at: true },
};

/** The fields of a step's result that the execution document keeps. */
export const stepResultFields = (step: keyof StepOutputs): readonly string[] => Object.keys(FIELDS[step]);
