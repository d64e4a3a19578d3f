-- Hiring mode: organisations and their members, requisitions and hiring teams, candidates and
-- resumes, applications and their stage visits, assessments, interviews, scorecards, decisions
-- and offers, the hash-chained audit log, webhooks with their outbox, and erasure tombstones.
-- Conventions as in 0001: times are ms since the Unix epoch (UTC), flags are 0/1 integers, ids
-- are text, engine values are JSON text. Every row of an organisation's data carries org_id (or
-- hangs off a parent that does), and every list query has an index that serves it in page order.
-- PostgreSQL: the lower-cased name and email are compared bytewise (COLLATE "C") so a prefix
-- search is an index range scan whatever the database's default collation.

CREATE TABLE orgs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    retention_days BIGINT NOT NULL,
    created_ms BIGINT NOT NULL
);

CREATE TABLE members (
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX members_by_user ON members(user_id);

-- The head of each organisation's audit chain: the row every audited write locks first.
CREATE TABLE audit_heads (
    org_id TEXT PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE audit_log (
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT,
    detail_digest TEXT NOT NULL,
    detail_erased BIGINT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    candidate_id TEXT,
    PRIMARY KEY (org_id, seq)
);
CREATE INDEX audit_by_candidate ON audit_log(candidate_id, seq) WHERE candidate_id IS NOT NULL;

CREATE TABLE requisitions (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    pipeline_id TEXT NOT NULL,
    level_min TEXT NOT NULL,
    level_max TEXT NOT NULL,
    region TEXT NOT NULL,
    language TEXT NOT NULL,
    blind_first_stage BIGINT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    closed_ms BIGINT
);
CREATE INDEX requisitions_by_org ON requisitions(org_id, id);
CREATE INDEX requisitions_open ON requisitions(org_id, status, id);

CREATE TABLE hiring_team (
    requisition_id TEXT NOT NULL REFERENCES requisitions(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    team_role TEXT NOT NULL,
    added_ms BIGINT NOT NULL,
    PRIMARY KEY (requisition_id, user_id)
);
CREATE INDEX hiring_team_by_user ON hiring_team(user_id);

CREATE TABLE candidates (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_lc TEXT COLLATE "C" NOT NULL,
    email TEXT NOT NULL,
    email_lc TEXT COLLATE "C" NOT NULL,
    phone TEXT,
    location TEXT,
    source TEXT,
    profile_url TEXT,
    self_reported_group TEXT,
    notes TEXT,
    user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_ms BIGINT NOT NULL,
    last_activity_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX candidates_email ON candidates(org_id, email_lc);
CREATE INDEX candidates_name ON candidates(org_id, name_lc);
CREATE INDEX candidates_by_org ON candidates(org_id, id);
CREATE INDEX candidates_activity ON candidates(org_id, last_activity_ms);
CREATE INDEX candidates_by_user ON candidates(user_id) WHERE user_id IS NOT NULL;

CREATE TABLE resumes (
    id TEXT PRIMARY KEY,
    candidate_id TEXT NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    screen_json TEXT,
    uploaded_ms BIGINT NOT NULL
);
CREATE INDEX resumes_by_candidate ON resumes(candidate_id, uploaded_ms);

CREATE TABLE candidate_tombstones (
    candidate_id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    erased_ms BIGINT NOT NULL,
    erased_by TEXT NOT NULL,
    applications BIGINT NOT NULL,
    interviews BIGINT NOT NULL,
    scorecards BIGINT NOT NULL,
    offers BIGINT NOT NULL
);
CREATE INDEX tombstones_by_org ON candidate_tombstones(org_id, erased_ms);

CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    requisition_id TEXT NOT NULL REFERENCES requisitions(id) ON DELETE CASCADE,
    candidate_id TEXT NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    stage_id TEXT NOT NULL,
    status TEXT NOT NULL,
    applied_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL,
    decided_ms BIGINT
);
CREATE UNIQUE INDEX applications_once ON applications(requisition_id, candidate_id);
CREATE INDEX applications_by_requisition ON applications(requisition_id, id);
CREATE INDEX applications_by_stage ON applications(requisition_id, stage_id, id);
CREATE INDEX applications_by_status ON applications(requisition_id, status, id);
CREATE INDEX applications_by_candidate ON applications(candidate_id);

CREATE TABLE stage_visits (
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    stage_id TEXT NOT NULL,
    entered_ms BIGINT NOT NULL,
    left_ms BIGINT,
    outcome TEXT NOT NULL,
    PRIMARY KEY (application_id, seq)
);

CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    nonce TEXT NOT NULL UNIQUE,
    issued_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL,
    started_ms BIGINT,
    deadline_ms BIGINT,
    submitted_ms BIGINT,
    plan TEXT NOT NULL,
    result TEXT
);
CREATE INDEX assessments_by_application ON assessments(application_id);

CREATE TABLE assessment_answers (
    assessment_id TEXT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    item_key TEXT NOT NULL,
    draft TEXT NOT NULL,
    draft_saved_ms BIGINT NOT NULL,
    answer TEXT,
    graded TEXT,
    PRIMARY KEY (assessment_id, item_key)
);

CREATE TABLE interviews (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    round_id TEXT NOT NULL,
    starts_ms BIGINT NOT NULL,
    ends_ms BIGINT NOT NULL,
    location TEXT,
    url TEXT,
    status TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX interviews_by_application ON interviews(application_id, starts_ms);
CREATE INDEX interviews_by_time ON interviews(org_id, status, starts_ms);

CREATE TABLE interview_panel (
    interview_id TEXT NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (interview_id, user_id)
);
CREATE INDEX panel_by_user ON interview_panel(user_id, interview_id);

CREATE TABLE interview_history (
    interview_id TEXT NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    starts_ms BIGINT NOT NULL,
    ends_ms BIGINT NOT NULL,
    status TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_ms BIGINT NOT NULL,
    reason TEXT,
    PRIMARY KEY (interview_id, seq)
);

-- One row per (interview, panel member): created unsubmitted when the interview is scheduled,
-- so an assignment that is never written is still seen as overdue.
CREATE TABLE scorecards (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    interview_id TEXT NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    round_id TEXT NOT NULL,
    interviewer_id TEXT NOT NULL,
    ratings TEXT NOT NULL,
    notes TEXT NOT NULL,
    recommendation TEXT,
    summary TEXT NOT NULL,
    due_ms BIGINT NOT NULL,
    saved_ms BIGINT,
    submitted_ms BIGINT
);
CREATE UNIQUE INDEX scorecards_once ON scorecards(interview_id, interviewer_id);
CREATE INDEX scorecards_by_application ON scorecards(application_id, round_id, interviewer_id);
CREATE INDEX scorecards_pending ON scorecards(org_id, due_ms) WHERE submitted_ms IS NULL;

CREATE TABLE decisions (
    application_id TEXT PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    mechanical TEXT NOT NULL,
    final_outcome TEXT NOT NULL,
    vetoed BIGINT NOT NULL,
    override_reason TEXT,
    decided_by TEXT NOT NULL,
    decided_ms BIGINT NOT NULL,
    report TEXT NOT NULL
);

CREATE TABLE offers (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    position TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    proposed_ms BIGINT NOT NULL,
    approved_by TEXT,
    approved_ms BIGINT,
    approval_reason TEXT,
    status TEXT NOT NULL,
    updated_ms BIGINT NOT NULL
);
CREATE INDEX offers_by_application ON offers(application_id, proposed_ms);

CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,
    active BIGINT NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX webhooks_by_org ON webhooks(org_id, active);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
    webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    candidate_id TEXT,
    attempts BIGINT NOT NULL,
    next_attempt_ms BIGINT NOT NULL,
    status TEXT NOT NULL,
    last_code BIGINT,
    last_error TEXT,
    created_ms BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON webhook_deliveries(next_attempt_ms) WHERE status = 'pending';
CREATE INDEX deliveries_by_webhook ON webhook_deliveries(webhook_id, created_ms);
CREATE INDEX deliveries_by_candidate ON webhook_deliveries(org_id, candidate_id) WHERE candidate_id IS NOT NULL;
