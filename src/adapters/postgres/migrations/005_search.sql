-- Search over what is in a photo: the caption, tags, label names and the text read from it (OCR).
-- Full-text search ranks by field (tags A, caption B, label names C, text in the photo D); pg_trgm
-- (shipped with PostgreSQL's contrib, trusted since PostgreSQL 13, so the database owner may create it)
-- gives substrings and typo tolerance. Both are GIN-indexed generated columns, always in step with
-- the outputs they are made of.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Immutable wrappers, because generated columns accept only immutable expressions
-- (array_to_string and jsonb_array_elements are not marked so).
CREATE FUNCTION pharos_words(words text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(array_to_string(words, ' '), '') $$;

CREATE FUNCTION pharos_label_names(labels jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(string_agg(label ->> 'name', ' '), '') FROM jsonb_array_elements(labels) AS label $$;

ALTER TABLE images
  ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, pharos_words(tags)), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B') ||
    setweight(to_tsvector('english'::regconfig, pharos_label_names(labels)), 'C') ||
    setweight(to_tsvector('english'::regconfig, coalesce(text_content, '')), 'D')
  ) STORED,
  ADD COLUMN search_text text GENERATED ALWAYS AS (
    lower(pharos_words(tags) || ' ' || coalesce(description, '') || ' ' || pharos_label_names(labels) || ' ' ||
          coalesce(text_content, ''))
  ) STORED;

CREATE INDEX images_search_vector ON images USING gin (search_vector);
CREATE INDEX images_search_text ON images USING gin (search_text gin_trgm_ops);
