//! The token lifetime bar: `iat → exp` on a line, with this request's instant marked;
//! expired tokens in red, not-yet-valid ones in amber, always with words beside the colour.

use super::super::dom::{el, set_style, El};

/// Whether the token was usable at the request's instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifetimeState {
    /// Between `nbf`/`iat` and `exp` (with leeway).
    Valid,
    /// After `exp` + leeway.
    Expired,
    /// Before `nbf` (or an `iat` in the future) − leeway.
    NotYetValid,
}

impl LifetimeState {
    /// The words shown next to the bar.
    pub fn label(self) -> &'static str {
        match self {
            LifetimeState::Valid => "valid",
            LifetimeState::Expired => "expired",
            LifetimeState::NotYetValid => "not yet valid",
        }
    }

    fn class(self) -> &'static str {
        match self {
            LifetimeState::Valid => "valid",
            LifetimeState::Expired => "expired",
            LifetimeState::NotYetValid => "not-yet-valid",
        }
    }
}

/// Where things sit on the bar, in percent of its width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    /// Left end of the validity segment (`nbf`, else `iat`).
    pub start_pct: f64,
    /// Right end of the validity segment (`exp`).
    pub end_pct: f64,
    /// The request's instant.
    pub request_pct: f64,
    /// Verdict at the request's instant.
    pub state: LifetimeState,
}

/// Room left at each end so markers at the extremes stay visible, in percent.
const PAD_PCT: f64 = 4.0;

/// Lays out a token's lifetime. Times are seconds relative to the request (negative:
/// before it), as [`crate::jose::TimeClaim::secs_from_reference`] gives them. `None`
/// without an `exp` (nothing to draw an end to).
pub fn geometry(
    iat: Option<i64>,
    nbf: Option<i64>,
    exp: Option<i64>,
    leeway_secs: i64,
) -> Option<Geometry> {
    let exp = exp?;
    let start = nbf.or(iat).unwrap_or(exp.min(0));
    let lo = start.min(0).min(exp);
    let hi = exp.max(0).max(start);
    let span = (hi.saturating_sub(lo)).max(1) as f64;
    let pct = |x: i64| PAD_PCT + (x.saturating_sub(lo)) as f64 / span * (100.0 - 2.0 * PAD_PCT);
    let not_before = nbf.into_iter().chain(iat).max();
    let state = if exp.saturating_add(leeway_secs) < 0 {
        LifetimeState::Expired
    } else if not_before.is_some_and(|t| t.saturating_sub(leeway_secs) > 0) {
        LifetimeState::NotYetValid
    } else {
        LifetimeState::Valid
    };
    Some(Geometry {
        start_pct: pct(start),
        end_pct: pct(exp),
        request_pct: pct(0),
        state,
    })
}

/// Draws the bar. `start_label` / `end_label` describe the ends (e.g. `iat 10 min before
/// this request`); `reference` names the marked instant (`this request`, `now`).
pub fn render(g: &Geometry, start_label: &str, end_label: &str, reference: &str) -> El {
    let verdict = format!("{} at {reference}", g.state.label());
    let segment = el("div").class("lt-segment");
    set_style(segment.node(), "left", &format!("{:.2}%", g.start_pct));
    set_style(
        segment.node(),
        "width",
        &format!("{:.2}%", (g.end_pct - g.start_pct).max(0.5)),
    );
    let marker = el("div")
        .class("lt-marker")
        .attr("title", reference)
        .child(el("span").class("lt-marker-label").text(reference));
    set_style(marker.node(), "left", &format!("{:.2}%", g.request_pct));
    el("div")
        .class("lifetime")
        .class(g.state.class())
        .attr("role", "img")
        .attr(
            "aria-label",
            &format!("token lifetime: {start_label}, {end_label}; {verdict}"),
        )
        .child(el("div").class("lt-track").child(segment).child(marker))
        .child(
            el("div")
                .class("lt-labels")
                .child(el("span").class("lt-start").text(start_label))
                .child(el("span").class("lt-state").text(&verdict))
                .child(el("span").class("lt-end").text(end_label)),
        )
}
