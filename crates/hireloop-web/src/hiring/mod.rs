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
use hireloop_store::Store;

use crate::error::WebError;

/// The secret that signs assessment links (and keys blind aliases). Every process serving one
/// database must use the same secret, so a link issued by one process opens on another: either
/// one given to each (`--link-secret` or `HIRELOOP_LINK_SECRET`), or the installation's own,
/// generated on the first start and kept in the database ([`LinkSecret::stored`]).
#[derive(Clone)]
pub struct LinkSecret(Vec<u8>);

/// The name the installation's link secret is stored under.
const LINK_SECRET_NAME: &str = "assessment_links";

impl LinkSecret {
    /// A secret from its text; refused when shorter than
    /// [`hireloop_hiring::link::MIN_SECRET_LEN`] bytes.
    pub fn new(text: &str) -> Result<LinkSecret, String> {
        Secret::new(text.as_bytes().to_vec()).map_err(|e| e.to_string())?;
        Ok(LinkSecret(text.as_bytes().to_vec()))
    }

    /// The installation's own secret: generated from the operating system's random source on
    /// the first start and stored in the database; every later start, and every other process on
    /// the same database, reads back the same one.
    pub async fn stored(store: &Store, now_ms: i64) -> Result<LinkSecret, WebError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(WebError::internal)?;
        let candidate: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let text = store
            .instance_secret(LINK_SECRET_NAME, &candidate, now_ms)
            .await?;
        LinkSecret::new(&text).map_err(WebError::internal)
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
