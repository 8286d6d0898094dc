//! The `authlens` command-line interface.

fn main() {}
