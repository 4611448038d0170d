-- A rotated webhook secret keeps verifying signed calls until previous_secret_expires_at
-- (AEZEN_SECRET_ROTATION_GRACE after the rotation), so that an integration can switch to the new secret
-- without refused calls in between. Sealed like webhook_secret.
ALTER TABLE channels
    ADD COLUMN previous_webhook_secret    text,
    ADD COLUMN previous_secret_expires_at timestamptz;
