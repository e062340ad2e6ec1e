-- Text read from the photo (OCR), when a text reader ran; searched with the caption, tags and labels.
ALTER TABLE images ADD COLUMN text_content text;
