//! A small argument parser: flags, options with values, and positionals, in any order.
//!
//! The CLI has four subcommands with a handful of flags each; a parser crate would cost
//! more build time than the forty lines here.

use std::collections::BTreeMap;

/// Parsed arguments of one subcommand.
#[derive(Debug, Default)]
pub struct Args {
    flags: Vec<String>,
    options: BTreeMap<String, String>,
    /// Positional arguments in order.
    pub positionals: Vec<String>,
}

/// Splits `argv` given which `--names` take a value; `--` ends option parsing.
pub fn parse(argv: &[String], with_value: &[&str], flags: &[&str]) -> Result<Args, String> {
    let mut args = Args::default();
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        if a == "--" {
            args.positionals.extend(it.cloned());
            break;
        }
        if let Some(name) = a.strip_prefix("--") {
            let (name, inline) = match name.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (name, None),
            };
            if with_value.contains(&name) {
                let value = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .cloned()
                        .ok_or_else(|| format!("--{name} needs a value"))?,
                };
                args.options.insert(name.to_string(), value);
            } else if flags.contains(&name) && inline.is_none() {
                args.flags.push(name.to_string());
            } else {
                return Err(format!("unknown option --{name}"));
            }
        } else {
            args.positionals.push(a.clone());
        }
    }
    Ok(args)
}

impl Args {
    /// Whether `--name` was given.
    pub fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }

    /// The value of `--name`, if given.
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options.get(name).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_options_and_positionals_mix() {
        let a = parse(
            &v(&[
                "--json",
                "Bearer x",
                "--at=2026-01-01T00:00:00Z",
                "--",
                "--not-a-flag",
            ]),
            &["at"],
            &["json"],
        )
        .unwrap();
        assert!(a.flag("json"));
        assert_eq!(a.option("at"), Some("2026-01-01T00:00:00Z"));
        assert_eq!(a.positionals, v(&["Bearer x", "--not-a-flag"]));
    }

    #[test]
    fn unknown_and_valueless_options_are_errors() {
        assert!(parse(&v(&["--nope"]), &[], &[]).is_err());
        assert!(parse(&v(&["--at"]), &["at"], &[]).is_err());
    }
}
