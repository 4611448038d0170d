-- Customer identity from WhatsApp (issue 15).
--   name_edited_at     when the team last set the name: a WhatsApp push name never replaces it (null: the
--                      name follows the push name).
--   avatar_media_id    the profile picture fetched into the media store; the API shows its signed link as
--                      avatarUrl. avatar_picture_id is WhatsApp's id of it (unchanged: nothing to download),
--                      avatar_checked_at when it was last looked at (at most once a day per customer).
ALTER TABLE customers ADD COLUMN name_edited_at timestamptz,
                      ADD COLUMN avatar_media_id uuid REFERENCES media (media_id) ON DELETE SET NULL,
                      ADD COLUMN avatar_picture_id text,
                      ADD COLUMN avatar_checked_at timestamptz;

-- customer.updated also reports a new fetched picture.
DROP TRIGGER webhook_events ON customers;
CREATE TRIGGER webhook_events AFTER UPDATE ON customers FOR EACH ROW
    WHEN (row(NEW.full_name, NEW.email, NEW.phone, NEW.avatar_url, NEW.metadata, NEW.avatar_media_id)
        IS DISTINCT FROM row(OLD.full_name, OLD.email, OLD.phone, OLD.avatar_url, OLD.metadata, OLD.avatar_media_id))
    EXECUTE FUNCTION aezen_webhook_customers();
