-- Full-text search over messages (notes included) and customers (GET /api/search).
--
-- aezen_search is the 'simple' configuration (every word kept as it is written, lower-cased, no stemming and
-- no stop words, so no language is favoured: Portuguese, Spanish, Indonesian... are all tokenized alike)
-- with unaccent before it for words with letters outside ASCII, so that "informacao" finds "informação"
-- and "cafe" finds "café". unaccent ships with PostgreSQL (contrib, in Debian's postgresql-15 package) and is
-- a trusted extension since PostgreSQL 13, which the database's owner may create. Where it cannot be created
-- the configuration is plain 'simple': words are then found only as written, accents included.
DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS unaccent;
        CREATE TEXT SEARCH CONFIGURATION aezen_search (COPY = simple);
        ALTER TEXT SEARCH CONFIGURATION aezen_search
            ALTER MAPPING FOR word, hword, hword_part WITH unaccent, simple;
    EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'unaccent is not available (%): search is accent-sensitive', SQLERRM;
        CREATE TEXT SEARCH CONFIGURATION aezen_search (COPY = simple);
    END;
END $$;

-- Expression indexes (no stored column: the tables keep their shape, and nothing is written twice). The
-- queries in persistence/search.go repeat these expressions exactly, which is what lets them use the indexes.
-- Spanish and typographic punctuation (¿ ¡ « » curly quotes, ellipsis, dashes) becomes spaces in messages first:
-- under some database locales the parser reads "¿Dónde" as one word, which "donde" would then not find.
-- A customer's phone is indexed by its digits alone ("+55 11 99999-8888" as 5511999998888), so that it is
-- found by its leading digits however it was written.
CREATE INDEX messages_search_idx ON messages USING gin (to_tsvector('aezen_search'::regconfig,
    translate(content, '¿¡«»“”„‘’‚…–—', '             ')));
CREATE INDEX customers_search_idx ON customers USING gin (to_tsvector('aezen_search'::regconfig,
    coalesce(full_name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(regexp_replace(phone, '[^0-9]', '', 'g'), '') || ' ' || platform_customer_id));
