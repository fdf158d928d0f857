//! `GET /events?types=a,b`: committed events as Server-Sent Events, filtered by event type.
//!
//! SSE rather than WebSocket: it is one-way (all a subscriber needs), works through plain HTTP
//! tooling (`curl -N`), and needs no extra dependency.

use crate::AppState;
use crate::error::ApiError;
use crate::query::{Out, Params};
use crate::view::BlockEvents;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::Stream;
use std::collections::{BTreeSet, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, broadcast, watch};

/// Parses `types=a,b` into a filter; `None` passes every event.
pub(crate) fn type_filter(types: Option<&str>) -> Option<BTreeSet<String>> {
    let set: BTreeSet<String> = types?
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    (!set.is_empty()).then_some(set)
}

/// The SSE messages of one block batch: one per matching event, named by its type, with id = height
/// and data `{"height", "type", "attributes"}`.
fn messages(batch: &BlockEvents, filter: Option<&BTreeSet<String>>) -> Vec<SseEvent> {
    batch
        .events
        .iter()
        .filter(|e| filter.is_none_or(|f| f.contains(&e.kind)))
        .filter_map(|e| {
            let data = Out::one("height", &batch.height)
                .and_then(|o| o.with("type", &e.kind))
                .and_then(|o| o.with("attributes", &e.attributes))
                .and_then(|o| o.to_vec())
                .ok()?;
            let data = String::from_utf8(data).ok()?;
            let mut msg = SseEvent::default().id(batch.height.to_string()).data(data);
            // An SSE event name cannot hold a line break; such a type is sent unnamed (data still has it).
            if !e.kind.contains(['\r', '\n']) {
                msg = msg.event(e.kind.as_str());
            }
            Some(msg)
        })
        .collect()
}

/// Everything one subscriber's stream carries between polls.
struct Subscriber {
    blocks: broadcast::Receiver<Arc<BlockEvents>>,
    filter: Option<BTreeSet<String>>,
    stop: watch::Receiver<bool>,
    pending: VecDeque<SseEvent>,
    /// The stream's place among the open ones, given back when it ends.
    _slot: OwnedSemaphorePermit,
}

/// The stream of one subscriber: ends when the server stops or the node stops publishing; a
/// subscriber too slow to keep up gets a `lagged` message saying how many blocks it missed.
fn stream(sub: Subscriber) -> impl Stream<Item = Result<SseEvent, Infallible>> {
    futures_util::stream::unfold(sub, |mut s| async move {
        loop {
            if let Some(msg) = s.pending.pop_front() {
                return Some((Ok(msg), s));
            }
            tokio::select! {
                _ = s.stop.wait_for(|stopped| *stopped) => return None,
                received = s.blocks.recv() => match received {
                    Ok(batch) => s.pending.extend(messages(&batch, s.filter.as_ref())),
                    Err(broadcast::error::RecvError::Lagged(n)) => s.pending.push_back(
                        SseEvent::default()
                            .event("lagged")
                            .data(format!("{{\"skipped_blocks\":{n}}}")),
                    ),
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
            }
        }
    })
}

/// `GET /events`. The subscription is taken before the response starts, so a client that has the
/// response headers sees every block committed after that.
pub(crate) async fn events(
    State(st): State<AppState>,
    params: Params,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let sub = Subscriber {
        _slot: crate::limits::stream_slot(&st)?,
        blocks: st.view().subscribe(),
        filter: type_filter(params.types.as_deref()),
        stop: st.stop_signal(),
        pending: VecDeque::new(),
    };
    Ok(Sse::new(stream(sub)).keep_alive(KeepAlive::new().interval(st.config().sse_keep_alive)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_parses_comma_lists() {
        assert_eq!(type_filter(None), None);
        assert_eq!(type_filter(Some(" , ")), None);
        let f = type_filter(Some("a, b,,a")).unwrap();
        assert_eq!(f.into_iter().collect::<Vec<_>>(), vec!["a", "b"]);
    }
}
