-- Where a business message was sent from: AEZEN through the engine, PHONE from the WhatsApp phone or another
-- device linked to the number. Only PHONE is stored; reads show AEZEN for the other AGENT and SYSTEM
-- messages (persistence.messageColumns), so no existing row needs rewriting.
CREATE TYPE message_origin AS ENUM ('AEZEN', 'PHONE');
ALTER TABLE messages ADD COLUMN origin message_origin;
