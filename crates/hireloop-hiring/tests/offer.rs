//! Offers against the built-in pay bands, and the approval an offer outside the band needs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod rules_support;

use hireloop_core::Level;
use hireloop_hiring::offer::{Approval, ApprovalError, Position, check, ready};
use hireloop_hiring::roles::{Relation, Role};
use proptest::prelude::*;
use rules_support::content;

fn level(s: &str) -> Level {
    s.parse().unwrap()
}

#[test]
fn p6_band_edges_are_within_and_outside_is_measured() {
    let c = content();
    // The source's P6 band: 300,000–600,000 CNY, both ends included.
    for amount in [300_000, 450_000, 600_000] {
        let r = check(c, level("P6"), "china", amount, "CNY");
        assert_eq!(r.position, Position::Within, "{amount}");
        assert!(!r.needs_approval);
        assert!(!r.band_is_estimate);
    }
    let below = check(c, level("P6"), "china", 270_000, "CNY");
    assert_eq!(
        below.position,
        Position::Below {
            by: 30_000,
            share_bp: 1_000
        }
    );
    assert!(below.needs_approval);
    assert_eq!(
        below.summary,
        "270,000 CNY is 30,000 (10.00%) below the P6 band's minimum 300,000; needs approval"
    );
    let above = check(c, level("P6"), "china", 660_001, "CNY");
    assert_eq!(
        above.summary,
        "660,001 CNY is 60,001 (10.00%) above the P6 band's maximum 600,000; needs approval"
    );
    assert_eq!(
        check(c, level("P6"), "china", 450_000, "CNY").summary,
        "450,000 CNY lies within the P6 band 300,000–600,000"
    );
    assert_eq!(
        above.position,
        Position::Above {
            by: 60_001,
            share_bp: 1_000
        }
    );
    assert_eq!(
        check(c, level("P6"), "china", 299_999, "CNY").position,
        Position::Below { by: 1, share_bp: 0 }
    );
}

#[test]
fn p7_band_and_estimated_bands_are_reported_as_such() {
    let c = content();
    let p7 = check(c, level("P7"), "international", 1_200_000, "cny");
    assert_eq!(p7.position, Position::Within);
    assert_eq!(p7.currency, "CNY");
    assert_eq!((p7.band_min, p7.band_max), (Some(600_000), Some(1_200_000)));
    assert_eq!(p7.region, "international");
    let p7_high = check(c, level("P7"), "china", 1_500_000, "CNY");
    assert_eq!(
        p7_high.position,
        Position::Above {
            by: 300_000,
            share_bp: 2_500
        }
    );
    // P5 and P8+ are estimates in the content, and say so.
    for l in ["P5", "P8", "P9", "P10"] {
        assert!(
            check(c, level(l), "china", 1, "CNY").band_is_estimate,
            "{l}"
        );
    }
}

#[test]
fn another_currency_is_a_mismatch_not_a_comparison() {
    let r = check(content(), level("P6"), "international", 80_000, "USD");
    assert_eq!(
        r.position,
        Position::CurrencyMismatch {
            band_currency: "CNY".into()
        }
    );
    assert!(r.needs_approval);
}

#[test]
fn a_level_without_a_band_needs_approval() {
    let mut c = content().clone();
    c.levels.retain(|l| l.id != level("P9"));
    let r = check(&c, level("P9"), "china", 2_000_000, "CNY");
    assert_eq!(r.position, Position::NoBand);
    assert_eq!(r.band_min, None);
    assert!(r.needs_approval);
}

fn approval(who: &str, role: Role, relation: Relation, reason: &str) -> Approval {
    Approval {
        approver: who.into(),
        role,
        relation,
        reason: Some(reason.into()),
    }
}

const REASON: &str = "Competing offer from a rival marketplace at this level.";

#[test]
fn within_the_band_needs_no_approval() {
    let r = check(content(), level("P6"), "china", 500_000, "CNY");
    assert_eq!(ready(&r, "rita", None), Ok(()));
}

#[test]
fn outside_the_band_needs_someone_else_allowed_to_approve_with_a_reason() {
    let r = check(content(), level("P6"), "china", 700_000, "CNY");
    assert!(matches!(
        ready(&r, "rita", None).unwrap_err()[..],
        [ApprovalError::Missing { .. }]
    ));
    // The hiring manager of the requisition, or an admin.
    assert_eq!(
        ready(
            &r,
            "rita",
            Some(&approval(
                "hm-li",
                Role::HiringManager,
                Relation::HiringTeam,
                REASON
            ))
        ),
        Ok(())
    );
    assert_eq!(
        ready(
            &r,
            "rita",
            Some(&approval("root", Role::Admin, Relation::None, REASON))
        ),
        Ok(())
    );
    // A hiring manager of another requisition may not.
    let e = ready(
        &r,
        "rita",
        Some(&approval(
            "hm-wang",
            Role::HiringManager,
            Relation::None,
            REASON,
        )),
    )
    .unwrap_err();
    assert!(matches!(e[..], [ApprovalError::NotAllowed { .. }]), "{e:?}");
    // Nor may the bar raiser, whatever their relation.
    for relation in Relation::ALL {
        let e = ready(
            &r,
            "rita",
            Some(&approval("zhao", Role::BarRaiser, relation, REASON)),
        )
        .unwrap_err();
        assert!(
            matches!(e[..], [ApprovalError::NotAllowed { .. }]),
            "{relation}"
        );
    }
}

#[test]
fn every_approval_problem_is_reported_at_once() {
    let r = check(content(), level("P6"), "china", 100_000, "CNY");
    // The proposing recruiter approving their own offer, without the right, without a reason.
    let e = ready(
        &r,
        "rita",
        Some(&approval(
            " rita ",
            Role::Recruiter,
            Relation::HiringTeam,
            "ok",
        )),
    )
    .unwrap_err();
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(matches!(e[0], ApprovalError::SelfApproval { .. }));
    assert!(matches!(e[1], ApprovalError::NotAllowed { .. }));
    assert!(matches!(e[2], ApprovalError::NoReason { .. }));
    assert!(e[1].to_string().contains("`offer_approve`"), "{}", e[1]);
    // A hiring manager who proposed cannot approve their own, even with the right.
    let e = ready(
        &r,
        "hm-li",
        Some(&approval(
            "hm-li",
            Role::HiringManager,
            Relation::HiringTeam,
            REASON,
        )),
    )
    .unwrap_err();
    assert!(matches!(e[..], [ApprovalError::SelfApproval { .. }]));
}

proptest! {
    #[test]
    fn the_position_agrees_with_the_band(n in 5u8..=10, amount in 0u64..8_000_000) {
        let l = Level::new(n).unwrap();
        let band = content().level(l).unwrap().band.clone();
        let r = check(content(), l, "china", amount, "CNY");
        prop_assert_eq!(r.position == Position::Within, band.contains(amount));
        prop_assert_eq!(r.needs_approval, !band.contains(amount));
        match r.position {
            Position::Below { by, share_bp } => {
                prop_assert_eq!(amount + by, band.min);
                prop_assert!(share_bp <= 10_000);
            }
            Position::Above { by, .. } => prop_assert_eq!(band.max + by, amount),
            Position::Within => {}
            other => prop_assert!(false, "unexpected {:?}", other),
        }
    }
}
