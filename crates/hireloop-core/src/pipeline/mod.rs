//! Interview processes as code: the model, the reader and checks, and plans resolved per profile.

mod model;
mod plan;
pub(crate) mod read;

pub use model::*;
pub use plan::*;
