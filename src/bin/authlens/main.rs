//! The `authlens` command-line interface: decode challenges and credentials, analyse HAR
//! files, and serve the playground. See `authlens help`.

mod args;
mod style;

fn main() {}
