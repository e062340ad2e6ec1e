-- Near-duplicate groups, for the gallery's "Group duplicates": each photo with a perceptual hash
-- joins the group of its closest near-duplicate already there (within NEAR_DUPLICATE_BITS, see
-- src/core/image-service.ts), or starts its own group named by its id. Set once when the hash is
-- stored (images-repository.ts), so listing a group or counting its members is an index lookup.
ALTER TABLE images ADD COLUMN duplicate_group uuid;

-- Photos already there, each in the group of its earliest near-duplicate (itself if none): one pass
-- over each owner's hashes, the same XOR and popcount the duplicates route uses (16 bits = the
-- NEAR_DUPLICATE_BITS of this migration's day).
UPDATE images me
   SET duplicate_group = (SELECT o.id FROM images o
                           WHERE o.user_id = me.user_id AND o.phash IS NOT NULL
                             AND bit_count(o.phash # me.phash) <= 16
                           ORDER BY o.created_at, o.id LIMIT 1)
 WHERE me.phash IS NOT NULL;

CREATE INDEX images_user_duplicate_group ON images (user_id, duplicate_group) WHERE duplicate_group IS NOT NULL;
