/**
 * The search rule, the same for every runtime and every client: what a query means before any
 * database sees it. Words are matched case-insensitively, a leading `#` is ignored (tags print as
 * `#sky`), every word must match somewhere (caption, tags, label names, text read from the photo), and
 * the storage adapter decides how (prefix, substring, small typos) and how results are ranked.
 */
import { AppError } from './errors.js';
import type { ImageSort } from './domain.js';
import type { ImageQuery } from './ports/index.js';
import { searchWords } from './search-words.js';

export const MAX_QUERY_LENGTH = 200;
export const MAX_QUERY_TERMS = 8;

/** A tag as the tag filter compares it: `#Sky`, `sky` and ` SKY ` are the same tag. */
export function normaliseTag(tag: string): string {
  return tag.trim().toLowerCase().replace(/^#+/, '').trim();
}

/** The words of a query, normalised and de-duplicated; an empty list means "no search". */
export function parseSearchQuery(q: string): string[] {
  if (q.length > MAX_QUERY_LENGTH) {
    throw new AppError(400, 'invalid_query', `q is longer than ${MAX_QUERY_LENGTH} characters`);
  }
  const terms = searchWords(q);
  if (terms.length > MAX_QUERY_TERMS) {
    throw new AppError(400, 'invalid_query', `q has ${terms.length} words; at most ${MAX_QUERY_TERMS}`);
  }
  return terms;
}

export interface ListRequest {
  status?: ImageQuery['status'];
  tag?: string;
  q?: string;
  duplicate_group?: string;
  sort?: ImageSort;
  limit: number;
  cursor?: string;
}

/**
 * A client's list request → the repository's query: the tag normalised, the words parsed, and the sort
 * defaulting to relevance when there is something to be relevant to (and refused when there is not).
 */
export function toImageQuery(request: ListRequest): ImageQuery {
  const terms = request.q === undefined ? [] : parseSearchQuery(request.q);
  const tag = request.tag === undefined ? undefined : normaliseTag(request.tag) || undefined;
  const sort = request.sort ?? (terms.length > 0 ? 'relevance' : 'created_at');
  if (sort === 'relevance' && terms.length === 0) {
    throw new AppError(400, 'invalid_sort', 'sort=relevance needs a search query (q)');
  }
  return {
    status: request.status,
    tag,
    terms: terms.length > 0 ? terms : undefined,
    duplicateGroup: request.duplicate_group,
    sort,
    limit: request.limit,
    cursor: request.cursor,
  };
}
