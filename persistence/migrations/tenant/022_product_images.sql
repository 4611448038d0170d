-- Product images in the media store (issue 15): image_media_id is a file uploaded with POST /api/media;
-- the API shows its signed link as the product's imageUrl. imageUrl and imageId stay the seed's free fields.
ALTER TABLE products ADD COLUMN image_media_id uuid REFERENCES media (media_id) ON DELETE SET NULL;
