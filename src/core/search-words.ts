/**
 * How a search query splits into words: the one rule the server, the CLI and the web UI (which
 * highlights matched words) share. Dependency-free, so the browser bundle can import it as it is.
 */

/** A word for the search: lowercase, without a leading `#` and without punctuation at its edges. */
export function normaliseTerm(word: string): string {
  return word
    .toLowerCase()
    .replace(/^#+/, '')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

/** The distinct normalised words of a query, in order. */
export function searchWords(q: string): string[] {
  return [...new Set(q.split(/\s+/).map(normaliseTerm).filter(Boolean))];
}
