-- Secrets of this installation that every server process sharing the database must agree on,
-- such as the key that signs assessment links. Created once, by whichever process starts first.
CREATE TABLE instance_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);
