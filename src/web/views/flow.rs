//! The Flow tab: a small SVG sequence diagram of the exchanges the diagnosis linked to the
//! selected one (preflight, redirect hops, 401 → refresh → retry, refresh loops), and a
//! sparkline of the auth-failure rate over the whole recording with spikes marked.
//!
//! Layout is computed by pure functions ([`sequence`], [`buckets`], [`spikes`]) so it can
//! be tested without a DOM; drawing only turns their numbers into SVG.

use crate::time::Timestamp;

use super::super::dom::{el, svg, El};
use super::super::store::{Entry, Log};
use super::format;

/// One exchange in the diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Log id.
    pub id: u64,
    /// Index of the server lane (into [`Sequence::lanes`]).
    pub lane: usize,
    /// `GET /v1/me`.
    pub request: String,
    /// `401 Unauthorized`.
    pub response: String,
    /// Whether the response is a 401/403/407.
    pub failure: bool,
    /// The top finding's rule id, if any.
    pub rule: Option<&'static str>,
    /// Whether this is the selected exchange.
    pub selected: bool,
}

/// The diagram: server lanes (origins, in order of first use) and the steps in time order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sequence {
    /// Origins, left to right.
    pub lanes: Vec<String>,
    /// Exchanges, top to bottom.
    pub steps: Vec<Step>,
}

/// Most exchanges drawn (a refresh loop can link many).
const MAX_STEPS: usize = 24;

fn step(entry: &Entry, lane: usize, selected: bool) -> Step {
    let x = &entry.exchange;
    let url = x.url();
    let status = x.response.status;
    let mut response = format::status(status);
    if !x.response.status_text.is_empty() {
        response.push(' ');
        response.push_str(&x.response.status_text);
    }
    if let Some(to) = &x.response.redirect_url {
        let to = crate::exchange::UrlParts::parse(to);
        response.push_str(&format!(" → {}{}", to.host, to.path));
    }
    Step {
        id: entry.id,
        lane,
        request: format!("{} {}", x.request.method, url.path),
        response,
        failure: x.is_auth_failure(),
        rule: entry.report.top().map(|f| f.id),
        selected,
    }
}

/// The selected entry and those its findings involve, in the order they completed, a
/// CORS preflight before what completed with it (arrival order when a time is missing).
pub fn sequence(log: &Log, selected: u64) -> Sequence {
    let mut ids = log.related(selected);
    ids.push(selected);
    ids.sort_unstable();
    ids.dedup();
    // DevTools may deliver a CORS preflight after the request it cleared (seen in the e2e
    // run), so arrival order can put the cause below its effect. Start times do not help:
    // Chrome starts the request's clock at `fetch()`, before its preflight goes out. What
    // a sequence diagram shows is each exchange's answer, so completion time decides; a
    // preflight goes first on a tie (a blocked request fails as its preflight answers),
    // and the sort is stable, so other ties keep arrival order.
    let key = |id: &u64| {
        let x = &log.get(*id)?.exchange;
        let end = x.started_at?.0 as f64 + x.time_ms.unwrap_or(0.0);
        Some((end, !crate::diagnose::is_preflight(x)))
    };
    if ids.iter().all(|id| key(id).is_some()) {
        ids.sort_by(|a, b| {
            key(a)
                .partial_cmp(&key(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }
    // Keep the selected exchange when trimming a long chain.
    if ids.len() > MAX_STEPS {
        let at = ids.iter().position(|i| *i == selected).unwrap_or(0);
        let start = at.saturating_sub(MAX_STEPS / 2).min(ids.len() - MAX_STEPS);
        ids = ids.into_iter().skip(start).take(MAX_STEPS).collect();
    }
    let mut seq = Sequence::default();
    for id in ids {
        let Some(entry) = log.get(id) else {
            continue;
        };
        let origin = entry.exchange.url().origin();
        let lane = match seq.lanes.iter().position(|l| *l == origin) {
            Some(i) => i,
            None => {
                seq.lanes.push(origin);
                seq.lanes.len() - 1
            }
        };
        seq.steps.push(step(entry, lane, id == selected));
    }
    seq
}

const LANE_W: f64 = 330.0;
const CLIENT_X: f64 = 70.0;
const TOP: f64 = 44.0;
const STEP_H: f64 = 46.0;

fn lane_x(lane: usize) -> f64 {
    CLIENT_X + (lane as f64 + 1.0) * LANE_W
}

fn num(v: f64) -> String {
    format!("{v:.1}")
}

fn text(x: f64, y: f64, anchor: &str, class: &str, content: &str) -> El {
    svg("text")
        .attr("x", &num(x))
        .attr("y", &num(y))
        .attr("text-anchor", anchor)
        .class(class)
        .text(content)
}

fn arrow(x1: f64, x2: f64, y: f64, class: &str) -> El {
    svg("line")
        .attr("x1", &num(x1))
        .attr("x2", &num(x2))
        .attr("y1", &num(y))
        .attr("y2", &num(y))
        .attr("marker-end", "url(#flow-arrow)")
        .class(class)
}

/// Draws the sequence diagram.
pub fn render_sequence(seq: &Sequence) -> El {
    let width = lane_x(seq.lanes.len().saturating_sub(1)) + 120.0;
    let height = TOP + seq.steps.len() as f64 * STEP_H + 16.0;
    let marker = svg("defs").child(
        svg("marker")
            .attr("id", "flow-arrow")
            .attr("viewBox", "0 0 8 8")
            .attr("refX", "8")
            .attr("refY", "4")
            .attr("markerWidth", "7")
            .attr("markerHeight", "7")
            .attr("orient", "auto-start-reverse")
            .child(
                svg("path")
                    .attr("d", "M0,0 L8,4 L0,8 z")
                    .class("flow-arrowhead"),
            ),
    );
    let mut diagram = svg("svg")
        .class("flow-diagram")
        .attr("role", "img")
        .attr("aria-label", &describe(seq))
        .attr("width", &num(width))
        .attr("height", &num(height))
        .attr("viewBox", &format!("0 0 {} {}", num(width), num(height)))
        .child(marker)
        .child(text(CLIENT_X, 16.0, "middle", "flow-lane-label", "page"))
        .child(
            svg("line")
                .attr("x1", &num(CLIENT_X))
                .attr("x2", &num(CLIENT_X))
                .attr("y1", "24")
                .attr("y2", &num(height - 6.0))
                .class("flow-lifeline"),
        );
    for (i, origin) in seq.lanes.iter().enumerate() {
        let x = lane_x(i);
        diagram = diagram
            .child(text(x, 16.0, "middle", "flow-lane-label", origin))
            .child(
                svg("line")
                    .attr("x1", &num(x))
                    .attr("x2", &num(x))
                    .attr("y1", "24")
                    .attr("y2", &num(height - 6.0))
                    .class("flow-lifeline"),
            );
    }
    for (i, s) in seq.steps.iter().enumerate() {
        let y = TOP + i as f64 * STEP_H;
        let x = lane_x(s.lane);
        let mid = (CLIENT_X + x) / 2.0;
        let mut response = s.response.clone();
        if s.failure {
            response = format!("⚠ {response}");
        }
        if let Some(rule) = s.rule {
            response.push_str(&format!(" · {rule}"));
        }
        diagram = diagram.child(
            svg("g")
                .class("flow-step")
                .class_if(s.selected, "selected")
                .class_if(s.failure, "failure")
                .attr("data-key", &s.id.to_string())
                .child(text(mid, y - 4.0, "middle", "flow-request", &s.request))
                .child(arrow(CLIENT_X, x, y, "flow-call"))
                .child(text(mid, y + 16.0, "middle", "flow-response", &response))
                .child(arrow(x, CLIENT_X, y + 20.0, "flow-return")),
        );
    }
    diagram
}

/// A sentence for screen readers (and the tab's caption).
pub fn describe(seq: &Sequence) -> String {
    let parts: Vec<String> = seq
        .steps
        .iter()
        .map(|s| format!("{} → {}", s.request, s.response))
        .collect();
    format!(
        "{} across {}: {}",
        format::count(seq.steps.len(), "exchange", "exchanges"),
        format::count(seq.lanes.len(), "origin", "origins"),
        parts.join("; ")
    )
}

/// Requests and failures in one slice of the recording.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bucket {
    /// Exchanges that started in the slice.
    pub total: usize,
    /// Of which 401/403/407.
    pub failures: usize,
}

/// Splits `(start time, failed)` samples into `n` equal time slices over their span.
pub fn buckets(samples: &[(Timestamp, bool)], n: usize) -> Vec<Bucket> {
    let n = n.max(1);
    let mut out = vec![Bucket::default(); n];
    let (Some(lo), Some(hi)) = (
        samples.iter().map(|s| s.0 .0).min(),
        samples.iter().map(|s| s.0 .0).max(),
    ) else {
        return out;
    };
    let span = (hi - lo).max(1) as f64;
    for (t, failed) in samples {
        let i = (((t.0 - lo) as f64 / span) * n as f64).floor() as usize;
        if let Some(b) = out.get_mut(i.min(n - 1)) {
            b.total += 1;
            if *failed {
                b.failures += 1;
            }
        }
    }
    out
}

/// Slices whose failure count stands out: at least 3 failures and more than the mean
/// plus two standard deviations of the non-empty slices.
pub fn spikes(buckets: &[Bucket]) -> Vec<usize> {
    let counts: Vec<f64> = buckets
        .iter()
        .filter(|b| b.total > 0)
        .map(|b| b.failures as f64)
        .collect();
    if counts.len() < 3 {
        return Vec::new();
    }
    let mean = counts.iter().sum::<f64>() / counts.len() as f64;
    let var = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / counts.len() as f64;
    let threshold = mean + 2.0 * var.sqrt();
    buckets
        .iter()
        .enumerate()
        .filter(|(_, b)| b.failures >= 3 && b.failures as f64 > threshold)
        .map(|(i, _)| i)
        .collect()
}

const SPARK_W: f64 = 420.0;
const SPARK_H: f64 = 44.0;
const SPARK_BUCKETS: usize = 60;

/// Draws the failure-rate sparkline for the whole log.
pub fn render_sparkline(log: &Log) -> El {
    let samples: Vec<(Timestamp, bool)> = log
        .iter()
        .filter_map(|e| {
            e.exchange
                .started_at
                .map(|t| (t, e.exchange.is_auth_failure()))
        })
        .collect();
    let b = buckets(&samples, SPARK_BUCKETS);
    let marked = spikes(&b);
    let peak = b.iter().map(|x| x.failures).max().unwrap_or(0).max(1) as f64;
    let step = SPARK_W / SPARK_BUCKETS as f64;
    let point = |i: usize, f: usize| {
        (
            i as f64 * step + step / 2.0,
            SPARK_H - 4.0 - f as f64 / peak * (SPARK_H - 10.0),
        )
    };
    let points: Vec<String> = b
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let (px, py) = point(i, x.failures);
            format!("{},{}", num(px), num(py))
        })
        .collect();
    let total_failures: usize = b.iter().map(|x| x.failures).sum();
    let span = match (
        samples.iter().map(|s| s.0).min(),
        samples.iter().map(|s| s.0).max(),
    ) {
        (Some(lo), Some(hi)) => crate::time::describe_duration(hi.secs_since(lo)),
        _ => "no time".to_owned(),
    };
    let caption = format!(
        "{} over {span}{}",
        format::count(total_failures, "auth failure", "auth failures"),
        if marked.is_empty() {
            String::new()
        } else {
            format!(
                ", {} marked",
                format::count(marked.len(), "spike", "spikes")
            )
        }
    );
    let mut chart = svg("svg")
        .class("sparkline")
        .attr("role", "img")
        .attr(
            "aria-label",
            &format!("auth failures over the recording: {caption}"),
        )
        .attr("width", &num(SPARK_W))
        .attr("height", &num(SPARK_H))
        .attr("viewBox", &format!("0 0 {} {}", num(SPARK_W), num(SPARK_H)))
        .child(
            svg("polyline")
                .class("spark-line")
                .attr("points", &points.join(" ")),
        );
    for i in &marked {
        let failures = b.get(*i).map_or(0, |x| x.failures);
        let (px, py) = point(*i, failures);
        chart = chart.child(
            svg("circle")
                .class("spark-spike")
                .attr("cx", &num(px))
                .attr("cy", &num(py))
                .attr("r", "3.5")
                .child(svg("title").text(&format!("spike: {failures} auth failures"))),
        );
    }
    el("figure")
        .class("sparkline-figure")
        .child(chart)
        .child(el("figcaption").text(&caption))
}

/// Draws the tab.
pub fn render(log: &Log, selected: u64) -> El {
    let seq = sequence(log, selected);
    let note = if seq.steps.len() <= 1 {
        "The diagnosis linked no other request to this one (no preflight, redirect, refresh or retry)."
    } else {
        "Requests the diagnosis linked to this one, in order. The selected request is bold."
    };
    el("div")
        .class("flow-tab")
        .child(el("h3").text("Sequence"))
        .child(el("p").class("empty-note").text(note))
        .child(el("div").class("flow-scroll").child(render_sequence(&seq)))
        .child(el("h3").text("Auth failures over the recording"))
        .child(render_sparkline(log))
}
