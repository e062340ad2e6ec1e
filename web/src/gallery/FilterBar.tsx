import { type FormEvent, useEffect, useId, useState } from 'react';
import { type ListFilters, type SortOrder, STATUSES } from '../api/types';

const STATUS_TEXT = {
  UPLOADED: 'Uploaded',
  PROCESSING: 'Processing',
  READY: 'Ready',
  FAILED: 'Failed',
} as const;

/** Status filter, tag search and sort order; the tag is applied on submit (Enter) or on clear. */
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

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ ...filters, tag: tag.trim().toLowerCase() });
  };

  return (
    <form className="filters" role="search" aria-label="Filter photos" onSubmit={submit}>
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
          value={filters.sort}
          onChange={(e) => onChange({ ...filters, sort: e.target.value as SortOrder })}
        >
          <option value="created_at">Newest first</option>
          <option value="beauty">Most beautiful</option>
        </select>
      </div>
    </form>
  );
}
