//! Hiring mode on the server: who may do what ([`authz`]), the operations every door shares
//! ([`service`]) and the webhook delivery worker ([`delivery`]).
//!
//! Every operation names an organisation by its slug and goes through [`authz::authorize`]
//! once: the caller's membership is resolved (none: 404, so an organisation's existence is not
//! revealed), then their relation to the object from the store, then the policy table of
//! `hireloop_hiring::roles` decides (403 with its reason).

pub mod authz;
pub mod cache;
pub mod delivery;
pub mod service;

use std::fmt;

use hireloop_hiring::link::Secret;

use crate::error::WebError;

/// The secret that signs assessment links. Every process serving one database must be given
/// the same secret (`--link-secret` or `HIRELOOP_LINK_SECRET`), so a link issued by one process
/// opens on another; a per-process random secret would break that, so there is none by default.
#[derive(Clone)]
pub struct LinkSecret(Vec<u8>);

impl LinkSecret {
    /// A secret from its text; refused when shorter than
    /// [`hireloop_hiring::link::MIN_SECRET_LEN`] bytes.
    pub fn new(text: &str) -> Result<LinkSecret, String> {
        Secret::new(text.as_bytes().to_vec()).map_err(|e| e.to_string())?;
        Ok(LinkSecret(text.as_bytes().to_vec()))
    }

    /// The secret as the link module wants it.
    pub(crate) fn secret(&self) -> Result<Secret, WebError> {
        Secret::new(self.0.clone()).map_err(WebError::internal)
    }

    /// The raw bytes, for keys derived from it (blind aliases).
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for LinkSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkSecret(…)")
    }
}
