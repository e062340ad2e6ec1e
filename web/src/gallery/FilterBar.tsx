import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { effectiveSort, type ListFilters, type SortOrder, STATUSES } from '../api/types';

/** How long typing pauses before the search runs. */
export const SEARCH_DEBOUNCE_MS = 250;

const STATUS_TEXT = {
  UPLOADING: 'Uploading',
  UPLOADED: 'Uploaded',
  PROCESSING: 'Processing',
  READY: 'Ready',
  FAILED: 'Failed',
} as const;

/**
 * Search words (run as you type, debounced), status filter, tag, sort order and "Group duplicates"; the
 * tag is applied on submit (Enter) or on clear. Changing one keeps the others.
 */
export function FilterBar({
  filters,
  onChange,
}: {
  filters: ListFilters;
  onChange(next: ListFilters): void;
}) {
  const id = useId();
  const [tag, setTag] = useState(filters.tag);
  useEffect(() => setTag(filters.tag), [filters.tag]);
  const [q, setQ] = useState(filters.q);
  useEffect(() => setQ(filters.q), [filters.q]);
  // The latest filters, so a debounced search applied later keeps a status or sort chosen meanwhile.
  const latest = useRef(filters);
  latest.current = filters;
  useEffect(() => {
    if (q === latest.current.q) return;
    const timer = window.setTimeout(() => onChange({ ...latest.current, q }), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [q, onChange]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ ...filters, q, tag: tag.trim().toLowerCase() });
  };
  const searching = filters.q.trim() !== '';

  return (
    <form className="filters" role="search" aria-label="Filter photos" onSubmit={submit}>
      <div className="field field--grow">
        <label htmlFor={`${id}-q`}>Search photos</label>
        <input
          id={`${id}-q`}
          type="search"
          placeholder="caption, tag, label or text in the photo"
          value={q}
          maxLength={200}
          aria-describedby={`${id}-q-hint`}
          onChange={(e) => setQ(e.target.value)}
        />
        <span id={`${id}-q-hint`} className="visually-hidden">
          Every word must match; part of a word is enough.
        </span>
      </div>
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select
          id={`${id}-status`}
          value={filters.status}
          onChange={(e) => onChange({ ...filters, status: e.target.value as ListFilters['status'] })}
        >
          <option value="">All</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_TEXT[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="field field--grow">
        <label htmlFor={`${id}-tag`}>Tag</label>
        <div className="field__inline">
          <input
            id={`${id}-tag`}
            type="search"
            placeholder="e.g. lighthouse"
            value={tag}
            maxLength={32}
            onChange={(e) => {
              setTag(e.target.value);
              if (e.target.value === '' && filters.tag !== '') onChange({ ...filters, tag: '' });
            }}
          />
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-sort`}>Sort by</label>
        <select
          id={`${id}-sort`}
          value={effectiveSort(filters)}
          onChange={(e) => onChange({ ...filters, sort: e.target.value as SortOrder })}
        >
          <option value="relevance" disabled={!searching}>
            Best match
          </option>
          <option value="created_at">Newest first</option>
          <option value="taken_at">Date taken</option>
          <option value="beauty">Most beautiful</option>
        </select>
      </div>
      <div className="field field--check">
        <label>
          <input
            type="checkbox"
            checked={filters.group}
            onChange={(e) => onChange({ ...filters, group: e.target.checked })}
          />{' '}
          Group duplicates
        </label>
      </div>
    </form>
  );
}
