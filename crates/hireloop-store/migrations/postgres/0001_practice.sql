-- Accounts, sessions, rate limits and the practice loop's state.
-- Times are milliseconds since the Unix epoch; flags are 0/1 integers; ids are text; structured
-- values the engine owns (a loop's plan, a grading) are JSON text.

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE rate_limits (
    bucket TEXT NOT NULL,
    window_ms BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_ms)
);

CREATE TABLE loops (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    setup TEXT NOT NULL,
    plan TEXT NOT NULL,
    status TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    finished_ms BIGINT,
    report TEXT
);
CREATE INDEX loops_by_user ON loops(user_id, created_ms);

CREATE TABLE round_clocks (
    loop_id TEXT NOT NULL REFERENCES loops(id) ON DELETE CASCADE,
    round_id TEXT NOT NULL,
    started_ms BIGINT NOT NULL,
    deadline_ms BIGINT NOT NULL,
    PRIMARY KEY (loop_id, round_id)
);

CREATE TABLE answers (
    loop_id TEXT NOT NULL REFERENCES loops(id) ON DELETE CASCADE,
    item_key TEXT NOT NULL,
    user_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    family TEXT NOT NULL,
    draft TEXT NOT NULL,
    draft_version BIGINT NOT NULL,
    draft_saved_ms BIGINT,
    submitted TEXT,
    submitted_ms BIGINT,
    overall DOUBLE PRECISION,
    feedback TEXT,
    self_rating BIGINT,
    PRIMARY KEY (loop_id, item_key)
);
CREATE INDEX answers_by_user ON answers(user_id, submitted_ms);

CREATE TABLE cards (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    card TEXT NOT NULL,
    due_ms BIGINT NOT NULL,
    PRIMARY KEY (user_id, subject)
);
CREATE INDEX cards_due ON cards(user_id, due_ms);

CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    story TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL
);
CREATE INDEX stories_by_user ON stories(user_id, updated_ms);

CREATE TABLE checklist_done (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    done_ms BIGINT NOT NULL,
    PRIMARY KEY (user_id, item_id)
);
