//! Rendering shared by the command line and the web app: SVG charts now; HTML and Markdown
//! reports later. Pure: strings in, strings out.

pub mod svg;
