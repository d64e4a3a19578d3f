//! Who may do what in hiring mode: organisation roles, the operations the server exposes, the
//! relation of the acting member to the object, and one policy table that decides.
//!
//! The policy is least privilege. A member's role says what kind of work they do; the relation
//! says how they are tied to the object at hand (on the requisition's hiring team, assigned to an
//! interview of this application, the candidate themselves). Most rights need both, so an
//! interviewer sees only the applications they are assigned to and a hiring manager only their own
//! requisitions.
//!
//! Decisions of policy, and why:
//!
//! - Only admins manage organisation members and webhooks, read and verify the audit log, and
//!   erase a candidate's data. Erasure cannot be undone and is a legal act (a data-subject
//!   request), so it stays with the fewest people; recruiters may export a candidate's data on
//!   their requisitions, because answering an access request is routine recruiting work.
//! - Admins administer; they do not run loops. They create requisitions and staff hiring teams,
//!   but moving, rejecting, scheduling, deciding and offering belong to the team, and an admin who
//!   needs to act on a loop adds themselves to its team, which the audit log records.
//! - The bar raiser holds the veto through the decision engine (their `no` in the culture-fit
//!   round rejects); they never propose or approve offers and never decide alone.
//! - The decision and its override with a written reason belong to the hiring manager of the
//!   requisition. Overturning a bar raiser's veto is refused to every role: the veto is final, and
//!   a changed mind is recorded by the bar raiser's own scorecard, not by someone else's override.
//! - An assignment to an interview is itself a grant: whoever holds it, whatever their role, may
//!   see the candidate, resume, schedule and kit, submit the scorecard, and join the debrief (a
//!   hiring manager or admin may interview for another team).
//! - A candidate sees their own application, schedule and assessment, and never a scorecard, a
//!   debrief or an interview kit.
//! - Identity (name, contact, photo) when the blind stage is on is visible only to admins and
//!   recruiters, who must contact the candidate; the people who evaluate see the resume redacted.
//! - Organisation isolation is the server's job and is not modelled here: every query is scoped to
//!   the acting member's organisation first, so an object of another organisation is not found
//!   (404) before this table is consulted. The relations below are relations *within* one
//!   organisation.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A member's role in the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Administers the organisation: members, webhooks, audit log, data rights.
    Admin,
    /// Runs requisitions day to day: candidates, scheduling, offers.
    Recruiter,
    /// Owns a requisition and its decision.
    HiringManager,
    /// Interviews the candidates they are assigned to.
    Interviewer,
    /// Senior leader outside the hiring team who holds the culture-fit veto.
    BarRaiser,
    /// A person applying; sees only their own application.
    Candidate,
}

impl Role {
    /// Every role, in table order.
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Recruiter,
        Role::HiringManager,
        Role::Interviewer,
        Role::BarRaiser,
        Role::Candidate,
    ];

    /// The stable id, as in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Recruiter => "recruiter",
            Role::HiringManager => "hiring_manager",
            Role::Interviewer => "interviewer",
            Role::BarRaiser => "bar_raiser",
            Role::Candidate => "candidate",
        }
    }

    /// The role with this id.
    pub fn from_id(id: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.id() == id)
    }

    /// True for every role but the candidate's.
    pub fn is_staff(self) -> bool {
        self != Role::Candidate
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How the acting member is tied to the object of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// No tie: the object is elsewhere in the organisation, or the action has no object.
    None,
    /// The member is on the hiring team of the object's requisition.
    HiringTeam,
    /// The member is assigned to an interview of the object's application.
    Assigned,
    /// The object is the member's own application (the member is this candidate).
    OwnApplication,
}

impl Relation {
    /// Every relation, in table order.
    pub const ALL: [Relation; 4] = [
        Relation::None,
        Relation::HiringTeam,
        Relation::Assigned,
        Relation::OwnApplication,
    ];

    /// The stable id, as in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Relation::None => "none",
            Relation::HiringTeam => "hiring_team",
            Relation::Assigned => "assigned",
            Relation::OwnApplication => "own_application",
        }
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Declares the `Action` enum with its ids and descriptions in one place, so that the list the
/// server checks and the list the docs show cannot drift apart.
macro_rules! actions {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $text:literal; )*) => {
        /// Every hiring-mode operation the server exposes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Action {
            $( $(#[$doc])* $variant, )*
        }

        impl Action {
            /// Every action, in table order.
            pub const ALL: &'static [Action] = &[$( Action::$variant, )*];

            /// The stable id, as in JSON.
            pub fn id(self) -> &'static str {
                match self { $( Action::$variant => $id, )* }
            }

            /// What the action does, for people.
            pub fn describe(self) -> &'static str {
                match self { $( Action::$variant => $text, )* }
            }
        }
    };
}

actions! {
    /// List the requisitions one may view (the list is filtered by [`Action::RequisitionView`]).
    RequisitionList = "requisition_list", "list requisitions";
    /// See a requisition and its plan.
    RequisitionView = "requisition_view", "view a requisition";
    /// Open a requisition.
    RequisitionCreate = "requisition_create", "create a requisition";
    /// Change a requisition's pipeline, level range, region or description.
    RequisitionEdit = "requisition_edit", "edit a requisition";
    /// Close a requisition (filled or cancelled).
    RequisitionClose = "requisition_close", "close a requisition";
    /// Add or remove members of a requisition's hiring team.
    TeamManage = "team_manage", "manage a hiring team";
    /// See a candidate and their applications.
    CandidateView = "candidate_view", "view a candidate";
    /// Add a candidate or an application.
    CandidateCreate = "candidate_create", "create a candidate";
    /// Import candidates from a CSV file.
    CandidateImport = "candidate_import", "import candidates from CSV";
    /// Open the resume.
    ResumeView = "resume_view", "view a resume";
    /// See name, contact and photo while the blind stage hides them.
    IdentityView = "identity_view", "view a candidate's identity under blind review";
    /// Move an application to another stage.
    ApplicationMove = "application_move", "move an application to another stage";
    /// Reject an application.
    ApplicationReject = "application_reject", "reject an application";
    /// Withdraw an application (the candidate, or a recruiter on their behalf).
    ApplicationWithdraw = "application_withdraw", "withdraw an application";
    /// Send an online-assessment link.
    AssessmentLinkSend = "assessment_link_send", "send an assessment link";
    /// See the interview schedule.
    ScheduleView = "schedule_view", "view the interview schedule";
    /// Schedule an interview and assign interviewers.
    InterviewSchedule = "interview_schedule", "schedule an interview";
    /// Move an interview.
    InterviewReschedule = "interview_reschedule", "reschedule an interview";
    /// Cancel an interview.
    InterviewCancel = "interview_cancel", "cancel an interview";
    /// Open the interview kit (questions, probes, rubric anchors).
    KitView = "kit_view", "view an interview kit";
    /// Submit one's own scorecard.
    ScorecardSubmit = "scorecard_submit", "submit one's own scorecard";
    /// Read other people's scorecards (also subject to `scorecard::can_see_others`).
    ScorecardViewOthers = "scorecard_view_others", "view other people's scorecards";
    /// Open the debrief view.
    DebriefView = "debrief_view", "view the debrief";
    /// Record the decision the engine proposes.
    DecisionDecide = "decision_decide", "record the hiring decision";
    /// Override the mechanical result with a written reason.
    DecisionOverride = "decision_override", "override the mechanical result";
    /// Override a result the bar raiser's veto decided.
    DecisionOverturnVeto = "decision_overturn_veto", "overturn a bar raiser's veto";
    /// Propose an offer.
    OfferPropose = "offer_propose", "propose an offer";
    /// Approve an offer outside the pay band.
    OfferApprove = "offer_approve", "approve an offer outside the band";
    /// See hiring reports (funnel, time in stage, calibration, adverse impact).
    ReportView = "report_view", "view reports";
    /// Export everything held about a candidate.
    CandidateExport = "candidate_export", "export a candidate's data";
    /// Erase a candidate's personal data.
    CandidateErase = "candidate_erase", "erase a candidate's data";
    /// Read the audit log.
    AuditView = "audit_view", "view the audit log";
    /// Verify the audit log's hash chain.
    AuditVerify = "audit_verify", "verify the audit log";
    /// Create, change and delete webhooks.
    WebhookManage = "webhook_manage", "manage webhooks";
    /// Invite, change and remove organisation members.
    MemberManage = "member_manage", "manage organisation members";
    /// A candidate sees their own application's status and schedule.
    OwnApplicationView = "own_application_view", "view one's own application";
    /// A candidate takes their online assessment.
    AssessmentTake = "assessment_take", "take one's assessment";
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Which relations grant a role an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Never.
    Never,
    /// Whatever the relation, within the organisation (a staff member's own application excepted).
    Org,
    /// On the requisition's hiring team.
    Team,
    /// Assigned to an interview of the application.
    Assigned,
    /// On the hiring team or assigned.
    TeamOrAssigned,
    /// The candidate's own application.
    Own,
}

impl Scope {
    /// The short form used in the docs' table.
    pub fn label(self) -> &'static str {
        match self {
            Scope::Never => "—",
            Scope::Org => "org",
            Scope::Team => "team",
            Scope::Assigned => "assigned",
            Scope::TeamOrAssigned => "team, assigned",
            Scope::Own => "own",
        }
    }

    /// True when the scope grants the action under this relation.
    pub fn grants(self, relation: Relation) -> bool {
        match self {
            Scope::Never => false,
            Scope::Org => relation != Relation::OwnApplication,
            Scope::Team => relation == Relation::HiringTeam,
            Scope::Assigned => relation == Relation::Assigned,
            Scope::TeamOrAssigned => {
                matches!(relation, Relation::HiringTeam | Relation::Assigned)
            }
            Scope::Own => relation == Relation::OwnApplication,
        }
    }
}

/// One row of the policy: an action, the scope each role has, and why.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The action.
    pub action: Action,
    /// Scopes of admin, recruiter, hiring manager, interviewer, bar raiser and candidate, in the
    /// order of [`Role::ALL`].
    pub scopes: [Scope; 6],
    /// Why the rule is as it is, shown in denials and in the docs.
    pub why: &'static str,
}

impl Rule {
    /// The scope of one role.
    pub fn scope(&self, role: Role) -> Scope {
        let i = match role {
            Role::Admin => 0,
            Role::Recruiter => 1,
            Role::HiringManager => 2,
            Role::Interviewer => 3,
            Role::BarRaiser => 4,
            Role::Candidate => 5,
        };
        self.scopes[i]
    }
}

use Scope::{Assigned as A, Never as N, Org as O, Own as W, Team as T, TeamOrAssigned as TA};

/// THE policy. Columns: admin, recruiter, hiring manager, interviewer, bar raiser, candidate.
#[rustfmt::skip]
pub const POLICY: &[Rule] = &[
    //                                                  admin rec  hm   int  br   cand
    Rule { action: Action::RequisitionList,      scopes: [O,   O,   O,   O,   O,   N], why: "everyone on staff lists requisitions; the list holds only those each may view" },
    Rule { action: Action::RequisitionView,      scopes: [O,   O,   TA,  A,   TA,  N], why: "people assigned to an interview see the requisition they interview for" },
    Rule { action: Action::RequisitionCreate,    scopes: [O,   O,   N,   N,   N,   N], why: "admins and recruiters open requisitions" },
    Rule { action: Action::RequisitionEdit,      scopes: [O,   T,   T,   N,   N,   N], why: "the requisition's own team edits it" },
    Rule { action: Action::RequisitionClose,     scopes: [O,   T,   T,   N,   N,   N], why: "the requisition's own team closes it" },
    Rule { action: Action::TeamManage,           scopes: [O,   T,   T,   N,   N,   N], why: "admins staff any team; recruiters and hiring managers their own" },
    Rule { action: Action::CandidateView,        scopes: [O,   O,   TA,  A,   TA,  N], why: "interviewers see only the candidates they are assigned to" },
    Rule { action: Action::CandidateCreate,      scopes: [O,   O,   T,   N,   N,   N], why: "sourcing is recruiting work; hiring managers add referrals to their requisitions" },
    Rule { action: Action::CandidateImport,      scopes: [O,   O,   N,   N,   N,   N], why: "bulk imports are for admins and recruiters" },
    Rule { action: Action::ResumeView,           scopes: [O,   O,   TA,  A,   TA,  N], why: "evaluators read the resume of the candidates they evaluate" },
    Rule { action: Action::IdentityView,         scopes: [O,   O,   N,   N,   N,   N], why: "under blind review only the people who contact candidates see who they are" },
    Rule { action: Action::ApplicationMove,      scopes: [N,   T,   T,   N,   N,   N], why: "the hiring team moves its applications" },
    Rule { action: Action::ApplicationReject,    scopes: [N,   T,   T,   N,   N,   N], why: "the hiring team rejects; the bar raiser rejects through the veto" },
    Rule { action: Action::ApplicationWithdraw,  scopes: [N,   T,   N,   N,   N,   W], why: "a candidate withdraws, or a recruiter records it for them" },
    Rule { action: Action::AssessmentLinkSend,   scopes: [N,   T,   N,   N,   N,   N], why: "recruiters send assessment links" },
    Rule { action: Action::ScheduleView,         scopes: [A,   TA,  TA,  A,   TA,  W], why: "people see the interviews they take part in" },
    Rule { action: Action::InterviewSchedule,    scopes: [N,   T,   N,   N,   N,   N], why: "recruiters coordinate the calendar" },
    Rule { action: Action::InterviewReschedule,  scopes: [N,   T,   N,   N,   N,   N], why: "recruiters coordinate the calendar" },
    Rule { action: Action::InterviewCancel,      scopes: [N,   T,   N,   N,   N,   N], why: "recruiters coordinate the calendar" },
    Rule { action: Action::KitView,              scopes: [A,   TA,  TA,  A,   TA,  N], why: "the kit holds the questions, never shown to candidates" },
    Rule { action: Action::ScorecardSubmit,      scopes: [A,   A,   A,   A,   A,   N], why: "only the person assigned to an interview submits its scorecard" },
    Rule { action: Action::ScorecardViewOthers,  scopes: [A,   TA,  TA,  A,   TA,  N], why: "panelists also wait until their own scorecard is in; candidates never see scorecards" },
    Rule { action: Action::DebriefView,          scopes: [A,   TA,  TA,  A,   TA,  N], why: "the debrief is for the panel and the hiring team" },
    Rule { action: Action::DecisionDecide,       scopes: [N,   N,   T,   N,   N,   N], why: "the hiring manager of the requisition decides" },
    Rule { action: Action::DecisionOverride,     scopes: [N,   N,   T,   N,   N,   N], why: "the hiring manager may override, with a written reason" },
    Rule { action: Action::DecisionOverturnVeto, scopes: [N,   N,   N,   N,   N,   N], why: "a bar raiser's veto is final" },
    Rule { action: Action::OfferPropose,         scopes: [N,   T,   T,   N,   N,   N], why: "the hiring team proposes offers; the bar raiser never does" },
    Rule { action: Action::OfferApprove,         scopes: [O,   N,   T,   N,   N,   N], why: "an offer outside the band needs a second person with authority over pay" },
    Rule { action: Action::ReportView,           scopes: [O,   O,   T,   N,   N,   N], why: "reports aggregate many candidates" },
    Rule { action: Action::CandidateExport,      scopes: [O,   T,   N,   N,   N,   N], why: "data-access requests are answered by admins or the requisition's recruiter" },
    Rule { action: Action::CandidateErase,       scopes: [O,   N,   N,   N,   N,   N], why: "erasure cannot be undone; only admins erase" },
    Rule { action: Action::AuditView,            scopes: [O,   N,   N,   N,   N,   N], why: "the audit log is for admins" },
    Rule { action: Action::AuditVerify,          scopes: [O,   N,   N,   N,   N,   N], why: "the audit log is for admins" },
    Rule { action: Action::WebhookManage,        scopes: [O,   N,   N,   N,   N,   N], why: "webhooks send data out of the organisation; only admins manage them" },
    Rule { action: Action::MemberManage,         scopes: [O,   N,   N,   N,   N,   N], why: "only admins manage members" },
    Rule { action: Action::OwnApplicationView,   scopes: [N,   N,   N,   N,   N,   W], why: "a candidate sees only their own application" },
    Rule { action: Action::AssessmentTake,       scopes: [N,   N,   N,   N,   N,   W], why: "a candidate takes only their own assessment" },
];

/// The answer to "may this member do this?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "access", rename_all = "snake_case")]
pub enum Access {
    /// Go ahead.
    Allowed,
    /// Refused.
    Denied {
        /// Why, naming the role and the action.
        reason: String,
    },
}

impl Access {
    /// True when allowed.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Access::Allowed)
    }
}

/// The policy row of an action.
pub fn rule(action: Action) -> Option<&'static Rule> {
    POLICY.iter().find(|r| r.action == action)
}

/// Decides whether a member with `role`, tied to the object by `relation`, may do `action`.
pub fn decide(role: Role, action: Action, relation: Relation) -> Access {
    let Some(rule) = rule(action) else {
        // Unreachable while the table is complete (a test checks it); refusing is the safe answer.
        return Access::Denied {
            reason: format!("{action} is not in the policy table; nobody may do it"),
        };
    };
    let scope = rule.scope(role);
    if scope.grants(relation) {
        return Access::Allowed;
    }
    let needs = match scope {
        Scope::Never => "never allowed for this role".to_string(),
        Scope::Org if relation == Relation::OwnApplication => {
            "not on one's own application".to_string()
        }
        Scope::Org => "allowed for this role".to_string(),
        Scope::Team => "only on the requisition's hiring team".to_string(),
        Scope::Assigned => "only when assigned to the interview".to_string(),
        Scope::TeamOrAssigned => {
            "only on the hiring team or when assigned to the interview".to_string()
        }
        Scope::Own => "only on one's own application".to_string(),
    };
    Access::Denied {
        reason: format!(
            "role `{role}` may not {} (`{action}`) with relation `{relation}`: {needs}; {}",
            action.describe(),
            rule.why
        ),
    }
}

/// Decides with every relation that holds between the member and the object: allowed when any
/// relation allows.
///
/// A staff member who is also the candidate of this application is refused everything: nobody
/// reviews, moves or decides on their own application.
pub fn decide_any(role: Role, action: Action, relations: &[Relation]) -> Access {
    if role.is_staff() && relations.contains(&Relation::OwnApplication) {
        return Access::Denied {
            reason: format!(
                "role `{role}` may not {} (`{action}`) on their own application: a conflict of interest",
                action.describe()
            ),
        };
    }
    let mut first_denial = None;
    for &relation in relations {
        match decide(role, action, relation) {
            Access::Allowed => return Access::Allowed,
            denied => {
                first_denial.get_or_insert(denied);
            }
        }
    }
    first_denial.unwrap_or_else(|| decide(role, action, Relation::None))
}

/// Every combination of role, action and relation with its access, in table order.
pub fn matrix() -> Vec<(Role, Action, Relation, Access)> {
    let mut out = Vec::with_capacity(Role::ALL.len() * Action::ALL.len() * Relation::ALL.len());
    for &action in Action::ALL {
        for relation in Relation::ALL {
            for role in Role::ALL {
                out.push((role, action, relation, decide(role, action, relation)));
            }
        }
    }
    out
}

/// The policy as Markdown: the compact table of scopes with the reasons, then the exhaustive
/// matrix (✓ allowed, · denied) for every action and relation.
pub fn policy_markdown() -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    s.push_str("# Hiring-mode permissions\n\n");
    s.push_str("Generated by `hireloop_hiring::roles::policy_markdown`; a test compares it with this file, so a\n");
    s.push_str("change of policy must change this file too.\n\n");
    s.push_str("Scopes: `org` — anywhere in the organisation (never on one's own application); `team` — on the\n");
    s.push_str("requisition's hiring team; `assigned` — assigned to an interview of the application; `own` — the\n");
    s.push_str("candidate's own application; `—` — never. Isolation between organisations is enforced by the\n");
    s.push_str("server before this table applies.\n\n");
    s.push_str("## Policy\n\n| action |");
    for role in Role::ALL {
        let _ = write!(s, " {role} |");
    }
    s.push_str(" why |\n|---|");
    for _ in Role::ALL {
        s.push_str("---|");
    }
    s.push_str("---|\n");
    for rule in POLICY {
        let _ = write!(s, "| `{}` |", rule.action);
        for role in Role::ALL {
            let _ = write!(s, " {} |", rule.scope(role).label());
        }
        let _ = writeln!(s, " {} |", rule.why);
    }
    s.push_str("\n## Every combination\n\n| action | relation |");
    for role in Role::ALL {
        let _ = write!(s, " {role} |");
    }
    s.push_str("\n|---|---|");
    for _ in Role::ALL {
        s.push_str("---|");
    }
    s.push('\n');
    for &action in Action::ALL {
        for relation in Relation::ALL {
            let _ = write!(s, "| `{action}` | {relation} |");
            for role in Role::ALL {
                let mark = if decide(role, action, relation).is_allowed() {
                    "✓"
                } else {
                    "·"
                };
                let _ = write!(s, " {mark} |");
            }
            s.push('\n');
        }
    }
    s
}
