//! The permission policy: an exhaustive snapshot of the matrix, and the key rules asserted one by
//! one so that a snapshot accepted in a hurry cannot quietly weaken them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod rules_support;

use hireloop_hiring::roles::{
    Access, Action, POLICY, Relation, Role, decide, decide_any, matrix, policy_markdown,
};
use rules_support::{assert_all, data, golden};

fn allowed(role: Role, action: Action, relation: Relation) -> bool {
    decide(role, action, relation).is_allowed()
}

/// Relations under which a role may do an action.
fn granted(role: Role, action: Action) -> Vec<Relation> {
    Relation::ALL
        .into_iter()
        .filter(|r| allowed(role, action, *r))
        .collect()
}

#[test]
fn the_policy_table_matches_the_snapshot() {
    let path = data("roles").join("matrix.md");
    assert_all(golden(&path, &policy_markdown()).into_iter().collect());
}

#[test]
fn every_action_has_exactly_one_row_in_table_order() {
    let actions: Vec<Action> = POLICY.iter().map(|r| r.action).collect();
    assert_eq!(actions, Action::ALL.to_vec());
}

#[test]
fn the_matrix_covers_every_combination_once() {
    let m = matrix();
    assert_eq!(
        m.len(),
        Role::ALL.len() * Action::ALL.len() * Relation::ALL.len()
    );
    let mut keys: Vec<(Role, Action, Relation)> =
        m.iter().map(|(r, a, l, _)| (*r, *a, *l)).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), m.len());
}

#[test]
fn ids_are_stable_snake_case_and_round_trip_through_serde() {
    let ids: Vec<&str> = Role::ALL.iter().map(|r| r.id()).collect();
    assert_eq!(
        ids,
        [
            "admin",
            "recruiter",
            "hiring_manager",
            "interviewer",
            "bar_raiser",
            "candidate"
        ]
    );
    for role in Role::ALL {
        let json = serde_json::to_string(&role).unwrap();
        assert_eq!(json, format!("\"{}\"", role.id()));
        assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), role);
        assert_eq!(Role::from_id(role.id()), Some(role));
    }
    for &action in Action::ALL {
        let json = serde_json::to_string(&action).unwrap();
        assert_eq!(json, format!("\"{}\"", action.id()), "serde and id() agree");
        assert_eq!(serde_json::from_str::<Action>(&json).unwrap(), action);
    }
    for relation in Relation::ALL {
        let json = serde_json::to_string(&relation).unwrap();
        assert_eq!(json, format!("\"{}\"", relation.id()));
    }
}

#[test]
fn interviewers_act_only_where_they_are_assigned() {
    // Asking for the list of requisitions is open to all staff; the answer holds only those
    // the caller may view, which for an interviewer takes the assignment again.
    assert_eq!(
        granted(Role::Interviewer, Action::RequisitionView),
        vec![Relation::Assigned]
    );
    for &action in Action::ALL
        .iter()
        .filter(|a| **a != Action::RequisitionList)
    {
        for relation in granted(Role::Interviewer, action) {
            assert_eq!(relation, Relation::Assigned, "{action}");
        }
    }
    assert!(allowed(
        Role::Interviewer,
        Action::KitView,
        Relation::Assigned
    ));
    assert!(allowed(
        Role::Interviewer,
        Action::ScorecardSubmit,
        Relation::Assigned
    ));
    assert!(!allowed(
        Role::Interviewer,
        Action::CandidateView,
        Relation::None
    ));
    assert!(!allowed(
        Role::Interviewer,
        Action::CandidateView,
        Relation::HiringTeam
    ));
    assert!(!allowed(
        Role::Interviewer,
        Action::IdentityView,
        Relation::Assigned
    ));
    assert!(!allowed(
        Role::Interviewer,
        Action::DecisionDecide,
        Relation::Assigned
    ));
}

#[test]
fn the_bar_raiser_never_makes_or_approves_offers_nor_decides() {
    for relation in Relation::ALL {
        for action in [
            Action::OfferPropose,
            Action::OfferApprove,
            Action::DecisionDecide,
            Action::DecisionOverride,
        ] {
            assert!(
                !allowed(Role::BarRaiser, action, relation),
                "{action} {relation}"
            );
        }
    }
    // The veto works through their own scorecard.
    assert!(allowed(
        Role::BarRaiser,
        Action::ScorecardSubmit,
        Relation::Assigned
    ));
}

#[test]
fn a_veto_cannot_be_overturned_by_anyone() {
    for role in Role::ALL {
        assert!(
            granted(role, Action::DecisionOverturnVeto).is_empty(),
            "{role}"
        );
    }
}

#[test]
fn only_admins_manage_members_webhooks_audit_and_erase() {
    for action in [
        Action::MemberManage,
        Action::WebhookManage,
        Action::AuditView,
        Action::AuditVerify,
        Action::CandidateErase,
    ] {
        for role in Role::ALL {
            let any = !granted(role, action).is_empty();
            assert_eq!(any, role == Role::Admin, "{role} {action}");
        }
        assert!(allowed(Role::Admin, action, Relation::None));
    }
}

#[test]
fn candidates_see_only_their_own_application_and_never_scorecards() {
    for &action in Action::ALL {
        for relation in granted(Role::Candidate, action) {
            assert_eq!(relation, Relation::OwnApplication, "{action}");
        }
    }
    for relation in Relation::ALL {
        for action in [
            Action::ScorecardViewOthers,
            Action::ScorecardSubmit,
            Action::DebriefView,
            Action::KitView,
            Action::ResumeView,
            Action::CandidateView,
        ] {
            assert!(
                !allowed(Role::Candidate, action, relation),
                "{action} {relation}"
            );
        }
    }
    assert!(allowed(
        Role::Candidate,
        Action::OwnApplicationView,
        Relation::OwnApplication
    ));
    assert!(allowed(
        Role::Candidate,
        Action::AssessmentTake,
        Relation::OwnApplication
    ));
    assert!(allowed(
        Role::Candidate,
        Action::ApplicationWithdraw,
        Relation::OwnApplication
    ));
}

#[test]
fn staff_never_act_through_an_own_application_relation() {
    for role in Role::ALL.into_iter().filter(|r| r.is_staff()) {
        for &action in Action::ALL {
            assert!(
                !allowed(role, action, Relation::OwnApplication),
                "{role} {action}"
            );
        }
    }
}

#[test]
fn an_assignment_grants_the_interviewer_rights_to_every_staff_role() {
    let interviewer_rights: Vec<Action> = Action::ALL
        .iter()
        .copied()
        .filter(|a| allowed(Role::Interviewer, *a, Relation::Assigned))
        .collect();
    assert!(interviewer_rights.contains(&Action::KitView));
    for role in Role::ALL.into_iter().filter(|r| r.is_staff()) {
        for &action in &interviewer_rights {
            assert!(allowed(role, action, Relation::Assigned), "{role} {action}");
        }
    }
}

#[test]
fn the_hiring_manager_decides_and_overrides_only_on_their_own_requisition() {
    for action in [Action::DecisionDecide, Action::DecisionOverride] {
        assert_eq!(granted(Role::HiringManager, action), [Relation::HiringTeam]);
        for role in Role::ALL.into_iter().filter(|r| *r != Role::HiringManager) {
            assert!(granted(role, action).is_empty(), "{role} {action}");
        }
    }
}

#[test]
fn admins_administer_but_do_not_run_loops() {
    for action in [
        Action::ApplicationMove,
        Action::ApplicationReject,
        Action::InterviewSchedule,
        Action::DecisionDecide,
        Action::OfferPropose,
    ] {
        assert!(granted(Role::Admin, action).is_empty(), "{action}");
    }
    // Only an assignment to an interview lets an admin into a loop, like anyone else.
    for action in [
        Action::ScorecardViewOthers,
        Action::DebriefView,
        Action::KitView,
    ] {
        assert_eq!(
            granted(Role::Admin, action),
            [Relation::Assigned],
            "{action}"
        );
    }
    assert!(allowed(Role::Admin, Action::TeamManage, Relation::None));
    assert!(allowed(Role::Admin, Action::OfferApprove, Relation::None));
}

#[test]
fn blind_review_hides_identity_from_evaluators() {
    for role in [
        Role::HiringManager,
        Role::Interviewer,
        Role::BarRaiser,
        Role::Candidate,
    ] {
        assert!(granted(role, Action::IdentityView).is_empty(), "{role}");
    }
    assert!(allowed(
        Role::Recruiter,
        Action::IdentityView,
        Relation::None
    ));
}

#[test]
fn a_denial_names_the_role_the_action_and_the_reason() {
    let Access::Denied { reason } = decide(
        Role::Recruiter,
        Action::CandidateErase,
        Relation::HiringTeam,
    ) else {
        panic!("recruiters do not erase");
    };
    assert!(reason.contains("`recruiter`"), "{reason}");
    assert!(reason.contains("`candidate_erase`"), "{reason}");
    assert!(reason.contains("only admins erase"), "{reason}");
    let Access::Denied { reason } = decide(Role::Interviewer, Action::KitView, Relation::None)
    else {
        panic!("an unassigned interviewer sees no kit");
    };
    assert!(reason.contains("only when assigned"), "{reason}");
}

#[test]
fn decide_any_allows_when_any_relation_allows_and_refuses_conflicts_of_interest() {
    // A hiring manager who also interviews keeps their team rights.
    assert!(
        decide_any(
            Role::HiringManager,
            Action::DecisionDecide,
            &[Relation::Assigned, Relation::HiringTeam]
        )
        .is_allowed()
    );
    assert!(
        !decide_any(
            Role::HiringManager,
            Action::DecisionDecide,
            &[Relation::Assigned]
        )
        .is_allowed()
    );
    // A recruiter applying internally cannot see their own loop, even with org-wide rights.
    let access = decide_any(
        Role::Recruiter,
        Action::CandidateView,
        &[Relation::None, Relation::OwnApplication],
    );
    let Access::Denied { reason } = access else {
        panic!("conflict of interest");
    };
    assert!(reason.contains("conflict of interest"), "{reason}");
    // No relation at all is the same as `none`.
    assert_eq!(
        decide_any(Role::Admin, Action::MemberManage, &[]),
        decide(Role::Admin, Action::MemberManage, Relation::None)
    );
}
