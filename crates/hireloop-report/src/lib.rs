//! Rendering shared by the command line and the web app: SVG charts, and numbers as text.
//! Pure: strings in, strings out.

pub mod svg;
pub mod text;
