//! Fixes that run on the developer's own machine: clock and DNS, per operating system.

use crate::time::describe_duration;

use super::{hint, Fix, FixContext, Snippet};

fn os_snippet(label: &str, lang: &'static str, code: &str) -> Snippet {
    Snippet::new(label, lang, code)
}

pub(super) fn sync_clock(ctx: &FixContext<'_>) -> Fix {
    let offset = ctx
        .hint(hint::CLOCK_OFFSET_SECS)
        .and_then(|v| v.trim().parse::<i64>().ok());
    let mut fix = Fix::new("sync-clock", "Synchronise the clock with NTP");
    fix = match offset {
        Some(s) if s > 0 => fix.step(format!(
            "The server's clock is {} ahead of this machine's (or this machine is behind).",
            describe_duration(s)
        )),
        Some(s) if s < 0 => fix.step(format!(
            "The server's clock is {} behind this machine's (or this machine is ahead).",
            describe_duration(s)
        )),
        _ => fix,
    };
    fix.step("Token lifetimes are checked against clocks on both sides: a skewed client, token issuer or API server makes fresh tokens look expired or not yet valid.")
        .step("Turn on automatic time sync on the machine that is off (the client here, or the issuer/API host), then get a new token.")
        .step("Servers can also allow a small leeway (60 s is common: `ClockSkew` in ASP.NET, `clockSkew` in Spring's JwtTimestampValidator).")
        .snippet(os_snippet("Windows", "powershell", "w32tm /resync /force\nw32tm /query /status"))
        .snippet(os_snippet("macOS", "shell", "sudo sntp -sS time.apple.com"))
        .snippet(os_snippet(
            "Linux",
            "shell",
            "sudo timedatectl set-ntp true\ntimedatectl status   # \"System clock synchronized: yes\"\n# with chrony: sudo chronyc makestep",
        ))
}

pub(super) fn flush_dns() -> Fix {
    Fix::new("flush-dns", "Flush the DNS cache")
        .step("A stale DNS answer can keep sending you to an old server (one with old keys or config) after a migration or failover.")
        .step("Flush the OS cache, then the browser's (chrome://net-internals/#dns › Clear host cache), and retry.")
        .snippet(os_snippet("Windows", "powershell", "ipconfig /flushdns"))
        .snippet(os_snippet(
            "macOS",
            "shell",
            "sudo dscacheutil -flushcache; sudo killall -HUP mDNSResponder",
        ))
        .snippet(os_snippet(
            "Linux",
            "shell",
            "resolvectl flush-caches   # systemd-resolved\n# nscd: sudo nscd -i hosts   dnsmasq: sudo systemctl restart dnsmasq",
        ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Severity};

    #[test]
    fn every_os_has_a_command() {
        for fix in [sync_clock(&FixContext::default()), flush_dns()] {
            let labels: Vec<&str> = fix.snippets.iter().map(|s| s.label.as_str()).collect();
            assert_eq!(labels, ["Windows", "macOS", "Linux"], "{}", fix.id);
        }
    }

    #[test]
    fn offset_is_described_with_direction() {
        let f = Finding::new("clock-skew", Severity::Warning, "t", "d")
            .with_evidence(hint::CLOCK_OFFSET_SECS, "-600");
        let fix = sync_clock(&FixContext::for_finding(&f, None));
        assert!(fix.steps[0].contains("10 min behind"), "{:?}", fix.steps);
        let f = Finding::new("clock-skew", Severity::Warning, "t", "d")
            .with_evidence(hint::CLOCK_OFFSET_SECS, "125");
        let fix = sync_clock(&FixContext::for_finding(&f, None));
        assert!(fix.steps[0].contains("2 min 5 s ahead"), "{:?}", fix.steps);
    }
}
