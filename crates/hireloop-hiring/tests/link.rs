//! Assessment links: round trip, tampering, expiry, rotation, malformed input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use hireloop_hiring::link::{Claims, LinkError, MIN_SECRET_LEN, Secret, issue, verify};
use proptest::prelude::*;

fn secret(fill: u8) -> Secret {
    Secret::new(vec![fill; 32]).unwrap()
}

fn claims() -> Claims {
    Claims {
        application_id: "app-8841".into(),
        assessment_id: "oa-sql-2".into(),
        expires_ms: 1_800_000_000_000,
        nonce: "9f2c4e1a7b3d5f60".into(),
    }
}

#[test]
fn an_issued_link_verifies_and_is_url_safe() {
    let token = issue(&secret(1), &claims());
    assert!(token.starts_with("v1."));
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'),
        "{token}"
    );
    assert_eq!(
        verify(&[secret(1)], &token, 1_700_000_000_000),
        Ok(claims())
    );
}

#[test]
fn issuing_is_deterministic_and_the_nonce_makes_links_differ() {
    let a = issue(&secret(1), &claims());
    assert_eq!(a, issue(&secret(1), &claims()));
    let mut other = claims();
    other.nonce = "0000000000000001".into();
    assert_ne!(a, issue(&secret(1), &other));
}

#[test]
fn expiry_is_exclusive() {
    let token = issue(&secret(1), &claims());
    let exp = claims().expires_ms;
    assert!(verify(&[secret(1)], &token, exp - 1).is_ok());
    assert_eq!(
        verify(&[secret(1)], &token, exp),
        Err(LinkError::Expired {
            expired_ms: exp,
            now_ms: exp
        })
    );
    assert!(matches!(
        verify(&[secret(1)], &token, exp + 86_400_000),
        Err(LinkError::Expired { .. })
    ));
}

#[test]
fn a_forged_link_is_refused_even_when_expired() {
    // The signature is checked before expiry, so an attacker learns nothing from "expired".
    let token = issue(&secret(9), &claims());
    assert_eq!(
        verify(&[secret(1)], &token, i64::MAX),
        Err(LinkError::BadSignature)
    );
}

#[test]
fn rotation_accepts_old_and_new_secrets_in_the_list() {
    let old = issue(&secret(1), &claims());
    let new = issue(&secret(2), &claims());
    let keys = [secret(2), secret(1)];
    assert!(verify(&keys, &old, 0).is_ok());
    assert!(verify(&keys, &new, 0).is_ok());
    // Once the old secret is retired, its links stop working.
    assert_eq!(verify(&[secret(2)], &old, 0), Err(LinkError::BadSignature));
    assert_eq!(verify(&[], &new, 0), Err(LinkError::BadSignature));
}

#[test]
fn short_secrets_are_refused() {
    assert_eq!(
        Secret::new(b"password".to_vec()).unwrap_err(),
        LinkError::WeakSecret { len: 8 }
    );
    assert!(Secret::new(vec![0u8; MIN_SECRET_LEN]).is_ok());
    assert_eq!(format!("{:?}", secret(7)), "Secret(32 bytes)");
}

#[test]
fn malformed_tokens_say_so() {
    let keys = [secret(1)];
    let good = issue(&secret(1), &claims());
    let sig = good.rsplit('.').next().unwrap();
    let cases = [
        String::new(),
        "v1".into(),
        "v1..".into(),
        format!("v2.{}", &good[3..]),
        format!("{good}.extra"),
        format!("v1.e30.{}", &sig[..10]),
        format!("v1.e30.{sig}!"),
        "x".repeat(5000),
    ];
    for token in cases {
        assert!(
            matches!(verify(&keys, &token, 0), Err(LinkError::Malformed(_))),
            "{token:?}"
        );
    }
}

#[test]
fn changing_any_single_character_fails() {
    let keys = [secret(1)];
    let token = issue(&secret(1), &claims());
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    for i in 0..token.len() {
        for c in alphabet.chars() {
            let mut bytes = token.clone().into_bytes();
            if bytes[i] == c as u8 {
                continue;
            }
            bytes[i] = c as u8;
            let altered = String::from_utf8(bytes).unwrap();
            assert!(
                verify(&keys, &altered, 0).is_err(),
                "position {i} changed to {c} still verifies"
            );
        }
    }
}

proptest! {
    #[test]
    fn round_trip_for_any_claims(
        app in "[^\u{0}]{0,40}",
        asmt in "[a-z0-9-]{1,20}",
        exp in any::<i64>(),
        nonce in "[0-9a-f]{16,32}",
        now in any::<i64>(),
    ) {
        let c = Claims { application_id: app, assessment_id: asmt, expires_ms: exp, nonce };
        let token = issue(&secret(3), &c);
        let got = verify(&[secret(3)], &token, now);
        if now < exp {
            prop_assert_eq!(got, Ok(c));
        } else {
            let expired = matches!(got, Err(LinkError::Expired { .. }));
            prop_assert!(expired);
        }
    }

    #[test]
    fn random_strings_never_verify(token in ".{0,200}") {
        prop_assert!(verify(&[secret(1)], &token, 0).is_err());
    }
}
