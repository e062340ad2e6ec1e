-- The words each user's photos contain, for cheap typo tolerance: a misspelt search word is first
-- matched (pg_trgm) against this short list of known words, and the words it is close to join the
-- full-text query, instead of a trigram similarity test over every photo's whole text.
-- `photos` counts the user's photos containing the word, so a word leaves when its last photo does
-- (or stops containing it): nothing of a deleted photo or account stays behind.
CREATE TABLE search_words (
  user_id text NOT NULL,
  word text NOT NULL,
  photos int NOT NULL,
  PRIMARY KEY (user_id, word)
);
CREATE INDEX search_words_trigrams ON search_words USING gin (word gin_trgm_ops);

-- A photo's searchable words: the lexemes of its search_text (lower case, unstemmed), 3 to 64 long.
CREATE FUNCTION pharos_photo_words(search_text text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT coalesce(array_agg(w ORDER BY w), '{}')
      FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, coalesce(search_text, '')))) AS w
     WHERE length(w) BETWEEN 3 AND 64
  $$;

-- Kept in the same transaction as the change to the photo (the AI results, a reprocess, a delete):
-- +1 for each word the photo gained, -1 for each it lost, applied in word order so concurrent
-- writers of one user's photos take the row locks in the same order.
CREATE FUNCTION pharos_track_search_words() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    owner text := CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END;
    before text[] := CASE WHEN TG_OP = 'INSERT' THEN '{}' ELSE pharos_photo_words(OLD.search_text) END;
    after text[] := CASE WHEN TG_OP = 'DELETE' THEN '{}' ELSE pharos_photo_words(NEW.search_text) END;
  BEGIN
    IF before = after THEN
      RETURN NULL;
    END IF;
    INSERT INTO search_words AS s (user_id, word, photos)
      SELECT owner, word, sum(delta)::int
        FROM (SELECT unnest(after) AS word, 1 AS delta
              UNION ALL SELECT unnest(before), -1) AS changes
       GROUP BY word
      HAVING sum(delta) <> 0
       ORDER BY word
      ON CONFLICT (user_id, word) DO UPDATE SET photos = s.photos + EXCLUDED.photos;
    DELETE FROM search_words WHERE user_id = owner AND word = ANY (before) AND photos <= 0;
    RETURN NULL;
  END
  $$;

CREATE TRIGGER images_search_words
  AFTER INSERT OR DELETE OR UPDATE OF description, tags, labels, text_content ON images
  FOR EACH ROW EXECUTE FUNCTION pharos_track_search_words();

-- The photos already there.
INSERT INTO search_words (user_id, word, photos)
  SELECT user_id, word, count(*)::int
    FROM images, unnest(pharos_photo_words(search_text)) AS word
   GROUP BY user_id, word;
