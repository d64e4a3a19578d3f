//! Webhooks: the HMAC primitive against RFC 4231, bodies, headers, verification, retries.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use hireloop_hiring::webhook::{
    DEFAULT_TOLERANCE_SECS, EventKind, FIRST_RETRY_MS, MAX_ATTEMPTS, MAX_DELAY_MS, Outcome,
    WebhookError, WebhookEvent, backoff, classify, hmac_sha256_hex, sign, verify,
};
use proptest::prelude::*;
use serde_json::json;

/// RFC 4231, section 4: test cases 1, 2 and 6 (short key, short key with a text message, and a
/// key longer than the block size).
#[test]
fn hmac_matches_rfc_4231() {
    assert_eq!(
        hmac_sha256_hex(&[0x0b; 20], b"Hi There"),
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    );
    assert_eq!(
        hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    assert_eq!(
        hmac_sha256_hex(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First"
        ),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
}

fn event() -> WebhookEvent {
    WebhookEvent {
        id: "evt_01".into(),
        kind: EventKind::StageChanged,
        org: "org_7".into(),
        occurred_ms: 1_767_225_600_000,
        data: json!({"to": "onsite", "from": "screen"}),
    }
}

const SECRET: &[u8] = b"whsec_test_secret";
const T: i64 = 1_767_225_600;

#[test]
fn the_body_is_stable_json() {
    assert_eq!(
        event().body(),
        r#"{"data":{"from":"screen","to":"onsite"},"id":"evt_01","kind":"application.stage_changed","occurred_ms":1767225600000,"org":"org_7"}"#
    );
    let parsed: serde_json::Value = serde_json::from_str(&event().body()).unwrap();
    assert_eq!(parsed["kind"], "application.stage_changed");
}

/// The header computed independently (Python's `hmac` over `"<t>.<body>"`), so the construction
/// receivers are told to implement is the one we use.
#[test]
fn the_header_matches_an_independent_computation() {
    assert_eq!(
        sign(&[SECRET], T, &event().body()),
        "t=1767225600,v1=e5d53c8797c0e189e961f1aee2819e4a56b3a84fae557ef15d4a4a2098491fb8"
    );
}

#[test]
fn a_genuine_delivery_verifies_within_tolerance() {
    let body = event().body();
    let header = sign(&[SECRET], T, &body);
    for now in [T, T + 300, T - 300] {
        assert_eq!(
            verify(&header, &body, SECRET, now, DEFAULT_TOLERANCE_SECS),
            Ok(())
        );
    }
    assert_eq!(
        verify(&header, &body, SECRET, T + 301, DEFAULT_TOLERANCE_SECS),
        Err(WebhookError::OutsideTolerance {
            t: T,
            skew: 301,
            tolerance: 300
        })
    );
}

#[test]
fn an_altered_body_or_wrong_secret_is_refused() {
    let body = event().body();
    let header = sign(&[SECRET], T, &body);
    let altered = body.replace("onsite", "offer!");
    assert_eq!(
        verify(&header, &altered, SECRET, T, 300),
        Err(WebhookError::BadSignature)
    );
    assert_eq!(
        verify(&header, &body, b"another secret", T, 300),
        Err(WebhookError::BadSignature)
    );
    // Moving the timestamp invalidates the signature: it is signed too.
    let shifted = header.replace("t=1767225600", "t=1767225900");
    assert_eq!(
        verify(&shifted, &body, SECRET, T + 300, 300),
        Err(WebhookError::BadSignature)
    );
}

#[test]
fn during_rotation_either_secret_verifies() {
    let body = event().body();
    let header = sign(&[b"new secret", SECRET], T, &body);
    assert_eq!(header.matches(",v1=").count(), 2);
    assert!(verify(&header, &body, SECRET, T, 300).is_ok());
    assert!(verify(&header, &body, b"new secret", T, 300).is_ok());
}

#[test]
fn headers_are_parsed_leniently_but_not_loosely() {
    let body = event().body();
    let header = sign(&[SECRET], T, &body);
    let spaced = header.replace(',', ", ");
    assert!(verify(&spaced, &body, SECRET, T, 300).is_ok());
    let with_future_scheme = format!("{header},v2=abc");
    assert!(verify(&with_future_scheme, &body, SECRET, T, 300).is_ok());
    let upper = header
        .to_uppercase()
        .replace("T=", "t=")
        .replace("V1=", "v1=");
    assert!(verify(&upper, &body, SECRET, T, 300).is_ok());

    for bad in [
        "",
        "v1=abc",
        "t=1767225600",
        "t=abc,v1=00",
        "t=-5,v1=00",
        "t=1,t=2,v1=00",
        "garbage",
    ] {
        assert!(
            matches!(
                verify(bad, &body, SECRET, T, 300),
                Err(WebhookError::MalformedHeader(_))
            ),
            "{bad}"
        );
    }
    assert_eq!(
        verify("t=1767225600,v1=zz", &body, SECRET, T, 300),
        Err(WebhookError::BadSignature)
    );
}

#[test]
fn statuses_are_classified() {
    for s in [200, 201, 202, 204, 299] {
        assert_eq!(classify(Some(s)), Outcome::Delivered, "{s}");
    }
    for s in [
        None,
        Some(408),
        Some(429),
        Some(500),
        Some(502),
        Some(503),
        Some(599),
    ] {
        assert_eq!(classify(s), Outcome::Retry, "{s:?}");
    }
    for s in [100, 301, 302, 400, 401, 403, 404, 410, 422, 600, 0] {
        assert_eq!(classify(Some(s)), Outcome::Permanent, "{s}");
    }
}

#[test]
fn the_retry_schedule_doubles_caps_and_gives_up() {
    assert_eq!(backoff(0, "evt"), Some(0));
    let delays: Vec<u64> = (1..MAX_ATTEMPTS)
        .map(|n| backoff(n, "evt_01").unwrap())
        .collect();
    assert_eq!(delays.len(), 19);
    for (i, d) in delays.iter().enumerate() {
        let base = (FIRST_RETRY_MS << i.min(20)).min(MAX_DELAY_MS);
        assert!(
            *d <= base && *d >= base - base / 5,
            "attempt {}: {d}",
            i + 1
        );
    }
    assert_eq!(backoff(MAX_ATTEMPTS, "evt_01"), None);
    assert_eq!(backoff(u32::MAX, "evt_01"), None);
    let total: u64 = delays.iter().sum();
    let day = 86_400_000;
    assert!(total > 2 * day && total < 27 * day / 10, "{total}");
}

#[test]
fn jitter_is_deterministic_per_event_and_differs_between_events() {
    let a: Vec<_> = (1..10).map(|n| backoff(n, "evt_a")).collect();
    let again: Vec<_> = (1..10).map(|n| backoff(n, "evt_a")).collect();
    let b: Vec<_> = (1..10).map(|n| backoff(n, "evt_b")).collect();
    assert_eq!(a, again);
    assert_ne!(a, b);
}

#[test]
fn event_kinds_serialise_to_their_dotted_names() {
    for kind in [
        EventKind::StageChanged,
        EventKind::Decided,
        EventKind::InterviewScheduled,
        EventKind::InterviewCancelled,
        EventKind::OfferCreated,
        EventKind::OfferAccepted,
        EventKind::OfferDeclined,
        EventKind::CandidateErased,
    ] {
        assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
    }
}

proptest! {
    #[test]
    fn sign_then_verify_round_trips(
        body in ".{0,200}",
        secret in prop::collection::vec(any::<u8>(), 1..80),
        t in 0i64..4_000_000_000,
        skew in -300i64..=300,
    ) {
        let header = sign(&[&secret], t, &body);
        prop_assert_eq!(verify(&header, &body, &secret, t + skew, 300), Ok(()));
    }

    #[test]
    fn backoff_never_exceeds_the_cap(n in 1u32..MAX_ATTEMPTS, id in ".{0,30}") {
        let d = backoff(n, &id).unwrap();
        prop_assert!((FIRST_RETRY_MS * 4 / 5..=MAX_DELAY_MS).contains(&d));
    }
}
