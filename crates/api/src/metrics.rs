//! A small hand-written Prometheus registry: request counts and latency histograms per route, and the
//! latest height. Hand-written because the API needs three metric families and no metrics crate is
//! worth its build time for that; the node can expose its own registry next to this one.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

/// Histogram bucket upper bounds in microseconds (0.5 ms to 10 s); the p99 target is 5 ms.
const BUCKETS_US: [u64; 14] = [
    500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000,
    2_500_000, 5_000_000, 10_000_000,
];

/// Latencies of one route.
#[derive(Debug, Clone, Default)]
struct Histogram {
    /// Non-cumulative counts per bucket; the last slot counts what exceeded every bound.
    buckets: [u64; BUCKETS_US.len() + 1],
    sum_us: u64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, us: u64) {
        let slot = BUCKETS_US
            .iter()
            .position(|b| us <= *b)
            .unwrap_or(BUCKETS_US.len());
        if let Some(c) = self.buckets.get_mut(slot) {
            *c = c.saturating_add(1);
        }
        self.sum_us = self.sum_us.saturating_add(us);
        self.count = self.count.saturating_add(1);
    }
}

/// Counters keyed by (route, method, status) and histograms keyed by route. Routes are the matched
/// templates (`/phalanx/pools/v1/pools/{pool_id}`), never raw paths, so the label set stays bounded.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    inner: Mutex<Families>,
}

#[derive(Debug, Default)]
struct Families {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
}

impl Metrics {
    fn record(&self, route: String, method: String, status: u16, us: u64) {
        // A poisoned lock only means another request panicked mid-update; counts stay usable.
        let mut f = match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let count = f
            .requests
            .entry((route.clone(), method, status))
            .or_insert(0);
        *count = count.saturating_add(1);
        f.latency.entry(route).or_default().observe(us);
    }

    /// The Prometheus text exposition of every family.
    pub(crate) fn render(&self, latest_height: Option<u64>) -> String {
        let f = match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP phalanx_api_requests_total API requests by route, method and status."
        );
        let _ = writeln!(out, "# TYPE phalanx_api_requests_total counter");
        for ((route, method, status), n) in &f.requests {
            let _ = writeln!(
                out,
                "phalanx_api_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                escape(route),
                escape(method)
            );
        }
        let _ = writeln!(
            out,
            "# HELP phalanx_api_request_duration_seconds API request latency by route (to response headers)."
        );
        let _ = writeln!(out, "# TYPE phalanx_api_request_duration_seconds histogram");
        for (route, h) in &f.latency {
            let route = escape(route);
            let mut cumulative: u64 = 0;
            for (bound, n) in BUCKETS_US.iter().zip(h.buckets.iter()) {
                cumulative = cumulative.saturating_add(*n);
                let _ = writeln!(
                    out,
                    "phalanx_api_request_duration_seconds_bucket{{route=\"{route}\",le=\"{}\"}} {cumulative}",
                    seconds(*bound)
                );
            }
            let _ = writeln!(
                out,
                "phalanx_api_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "phalanx_api_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                seconds(h.sum_us)
            );
            let _ = writeln!(
                out,
                "phalanx_api_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        if let Some(height) = latest_height {
            let _ = writeln!(
                out,
                "# HELP phalanx_latest_height Height of the latest committed block."
            );
            let _ = writeln!(out, "# TYPE phalanx_latest_height gauge");
            let _ = writeln!(out, "phalanx_latest_height {height}");
        }
        out
    }
}

/// Microseconds as decimal seconds without floating point.
fn seconds(us: u64) -> String {
    let whole = us.checked_div(1_000_000).unwrap_or(0);
    let frac = us.checked_rem(1_000_000).unwrap_or(0);
    format!("{whole}.{frac:06}")
}

/// Escapes a label value per the exposition format.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Middleware: times every request and counts it under its route template.
pub(crate) async fn track(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    let us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    st.metrics()
        .record(route, method, response.status().as_u16(), us);
    response
}

/// `GET /metrics`.
pub(crate) async fn metrics(State(st): State<AppState>) -> Response {
    let height = st.status().await.ok().map(|s| s.latest_height);
    let mut response = st.metrics().render(height).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative_and_counts_everything() {
        let m = Metrics::default();
        m.record("/status".into(), "GET".into(), 200, 700);
        m.record("/status".into(), "GET".into(), 200, 20_000_000);
        let text = m.render(Some(7));
        assert!(text.contains(
            "phalanx_api_requests_total{route=\"/status\",method=\"GET\",status=\"200\"} 2"
        ));
        assert!(text.contains("le=\"0.000500\"} 0"));
        assert!(text.contains("le=\"0.001000\"} 1"));
        assert!(text.contains("le=\"10.000000\"} 1"));
        assert!(text.contains("le=\"+Inf\"} 2"));
        assert!(text.contains("phalanx_latest_height 7"));
        assert_eq!(seconds(1_500_000), "1.500000");
    }
}
