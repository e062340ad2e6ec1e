-- Direct uploads (issue 11): a photo is UPLOADING from the moment its upload slot is handed out until
-- its bytes arrive in object storage; slots never used are swept after they expire.
ALTER TABLE images DROP CONSTRAINT IF EXISTS images_status_check;
ALTER TABLE images ADD CONSTRAINT images_status_check
  CHECK (status IN ('UPLOADING', 'UPLOADED', 'PROCESSING', 'READY', 'FAILED'));
CREATE INDEX images_uploading_created ON images (created_at) WHERE status = 'UPLOADING';
