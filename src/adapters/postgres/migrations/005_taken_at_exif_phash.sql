-- The photo's own metadata (EXIF, read at upload) and its perceptual hash (near-duplicates).
ALTER TABLE images
  ADD COLUMN photo_metadata jsonb,
  -- The instant the photo was taken (a zone-less EXIF time is read as UTC); NULL without EXIF.
  ADD COLUMN taken_at timestamptz,
  -- 128-bit dHash; near-duplicates differ in few bits: bit_count(a # b).
  ADD COLUMN phash bit(128);

-- The "date taken" sort, falling back to the upload time.
CREATE INDEX images_user_taken ON images (user_id, (COALESCE(taken_at, created_at)) DESC, id DESC);
