//! Running a state query: request parsing, the snapshot, optional proofs, and the JSON answer.
//!
//! Every query is a plain function over `&dyn StateRead` ([`QueryFn`]); it runs on the blocking pool
//! over a snapshot that lives only for that request, so a slow disk read never stalls the async
//! workers and no request ever holds anything the block writer waits for.

use crate::AppState;
use crate::encoding::{base64, decode_base64, hex_lower};
use crate::error::ApiError;
use axum::extract::{FromRequestParts, Query, RawPathParams};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use phalanx_protocol::store::{MAX_PAGE_LIMIT, PageRequest, PageResponse};
use phalanx_state::{Entry, StateError, StateRead};
use phalanx_types::{Address, Error};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// A query: reads state, answers a JSON object. A plain `fn` so the route table can hold it.
pub(crate) type QueryFn = fn(&dyn StateRead, &Req) -> Result<Out, ApiError>;

/// Most keys one `?prove=true` answer proves; a list page can read many keys.
pub(crate) const MAX_PROOFS: usize = 64;

/// Query-string parameters every route understands (unknown ones are ignored, as Cosmos does).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Params {
    /// Base64 `next_key` of the previous page.
    #[serde(rename = "pagination.key")]
    pub key: Option<String>,
    /// Items wanted.
    #[serde(rename = "pagination.limit")]
    pub limit: Option<String>,
    /// Offsets are not supported (keys are); a non-zero one is refused rather than ignored.
    #[serde(rename = "pagination.offset")]
    pub offset: Option<String>,
    /// Reverse order is not supported; `true` is refused rather than ignored.
    #[serde(rename = "pagination.reverse")]
    pub reverse: Option<String>,
    /// `true` adds proofs of the keys read.
    pub prove: Option<String>,
    /// Asset filter.
    pub ticker: Option<String>,
    /// Service of a simulated slash (slashing exposure).
    pub service: Option<String>,
    /// Fraction of a simulated slash (slashing exposure).
    pub fraction: Option<String>,
    /// `true` makes `POST /txs` wait for inclusion.
    pub commit: Option<String>,
    /// Comma-separated event types for `/events`.
    pub types: Option<String>,
}

impl Params {
    /// Parses a boolean flag; absent means false.
    pub fn flag(value: Option<&str>, name: &str) -> Result<bool, ApiError> {
        match value {
            None | Some("") | Some("false") | Some("0") => Ok(false),
            Some("true") | Some("1") => Ok(true),
            Some(other) => Err(ApiError::bad_request(format!(
                "{name} must be true or false, not {other:?}"
            ))),
        }
    }

    /// Whether proofs were asked for.
    pub fn prove(&self) -> Result<bool, ApiError> {
        Self::flag(self.prove.as_deref(), "prove")
    }

    /// The page asked for, in the protocol's terms.
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        if Self::flag(self.reverse.as_deref(), "pagination.reverse")? {
            return Err(ApiError::bad_request(
                "pagination.reverse is not supported; pages are in key order",
            ));
        }
        if let Some(offset) = self
            .offset
            .as_deref()
            .filter(|o| !o.is_empty() && *o != "0")
        {
            return Err(ApiError::bad_request(format!(
                "pagination.offset {offset:?} is not supported; pass the previous page's next_key as pagination.key"
            )));
        }
        let key = match self.key.as_deref().filter(|k| !k.is_empty()) {
            Some(k) => Some(
                decode_base64(k)
                    .map_err(|e| ApiError::bad_request(format!("pagination.key: {e}")))?,
            ),
            None => None,
        };
        let limit = match self.limit.as_deref().filter(|l| !l.is_empty()) {
            Some(l) => {
                let n: u32 = l.parse().map_err(|_| {
                    ApiError::bad_request(format!(
                        "pagination.limit {l:?} is not a number from 1 to {MAX_PAGE_LIMIT}"
                    ))
                })?;
                // 0 means "the default", as in Cosmos.
                (n != 0).then_some(n)
            }
            None => None,
        };
        Ok(PageRequest { key, limit })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<Params>::from_request_parts(parts, state)
            .await
            .map(|Query(p)| p)
            .map_err(|e| ApiError::bad_request(format!("invalid query string: {e}")))
    }
}

/// Path captures by name (percent-decoded).
#[derive(Debug, Clone, Default)]
pub(crate) struct Args(pub BTreeMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Args {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        use axum::extract::rejection::RawPathParamsRejection;
        match RawPathParams::from_request_parts(parts, state).await {
            Ok(raw) => Ok(Args(
                raw.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )),
            Err(RawPathParamsRejection::InvalidUtf8InPathParam(e)) => {
                Err(ApiError::bad_request(e.body_text()))
            }
            // A route without captures.
            Err(_) => Ok(Args::default()),
        }
    }
}

/// A parsed request: path captures and query parameters.
#[derive(Debug, Clone, Default)]
pub(crate) struct Req {
    /// Path captures.
    pub args: Args,
    /// Query parameters.
    pub params: Params,
}

impl Req {
    /// A capture by name; a missing one is a bug in the route table, reported as a 500.
    pub fn arg(&self, name: &str) -> Result<&str, ApiError> {
        self.args
            .0
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| ApiError::internal(format!("route has no {name} parameter")))
    }

    /// A bech32 `phx` address.
    pub fn address(&self, name: &str) -> Result<Address, ApiError> {
        let s = self.arg(name)?;
        s.parse::<Address>().map_err(|e| {
            let mut err = ApiError::from(Error::from(e));
            err.message = format!("{name}: {}", err.message);
            err
        })
    }

    /// A numeric id; 0 is never allocated, so it is a bad request rather than a miss.
    pub fn id(&self, name: &str) -> Result<u32, ApiError> {
        self.parse_id(name)
    }

    /// A 64-bit numeric id (rewards plans), checked like [`Req::id`].
    pub fn id64(&self, name: &str) -> Result<u64, ApiError> {
        self.parse_id(name)
    }

    fn parse_id<T: std::str::FromStr + From<u8> + PartialEq>(
        &self,
        name: &str,
    ) -> Result<T, ApiError> {
        let s = self.arg(name)?;
        let id: T = s.parse().map_err(|_| {
            ApiError::bad_request(format!("{name} {s:?} is not a positive integer"))
        })?;
        if id == T::from(0) {
            return Err(ApiError::bad_request(format!(
                "{name} must not be 0: ids start at 1"
            )));
        }
        Ok(id)
    }

    /// A denom (may contain `/`, e.g. `ibc/...`), checked for shape.
    pub fn denom(&self, name: &str) -> Result<String, ApiError> {
        let s = self.arg(name)?.trim_start_matches('/');
        phalanx_types::coin::validate_denom(s).map_err(|e| {
            // The denom came from the request, so a malformed one is the client's fault.
            let mut err = ApiError::from(Error::from(e));
            err.status = axum::http::StatusCode::BAD_REQUEST;
            err
        })?;
        Ok(s.to_string())
    }

    /// The page asked for.
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        self.params.page()
    }
}

/// A JSON object answer under construction.
#[derive(Debug, Clone, Default)]
pub(crate) struct Out(pub Map<String, Value>);

impl Out {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// An object with one field.
    pub fn one<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Self, ApiError> {
        Self::new().with(name, value)
    }

    /// The fields of a value that serializes to a JSON object, as the answer's top-level fields.
    pub fn fields<T: Serialize + ?Sized>(value: &T) -> Result<Self, ApiError> {
        match serde_json::to_value(value) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(_) => Err(ApiError::internal("encoding: answer is not a JSON object")),
            Err(e) => Err(ApiError::internal(format!("encoding: {e}"))),
        }
    }

    /// Adds a field.
    pub fn with<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Result<Self, ApiError> {
        let v = serde_json::to_value(value)
            .map_err(|e| ApiError::internal(format!("encoding {name}: {e}")))?;
        self.0.insert(name.to_string(), v);
        Ok(self)
    }

    /// Adds `pagination: {next_key}` (base64 or null).
    pub fn page(mut self, next: &PageResponse) -> Self {
        self.0.insert("pagination".into(), pagination(next));
        self
    }

    /// The encoded body.
    pub fn to_vec(&self) -> Result<Vec<u8>, ApiError> {
        serde_json::to_vec(&self.0).map_err(|e| ApiError::internal(format!("encoding: {e}")))
    }
}

/// `{next_key}` with the key in base64, as Cosmos returns it.
pub(crate) fn pagination(next: &PageResponse) -> Value {
    let mut m = Map::new();
    m.insert(
        "next_key".into(),
        match &next.next_key {
            Some(k) => Value::String(base64(k)),
            None => Value::Null,
        },
    );
    Value::Object(m)
}

/// Pages an in-memory list that is sorted by `key_of` (for queries the protocol answers whole, such as
/// balances): items from `page.key` on, and the key of the first item left out.
pub(crate) fn paginate_sorted<T>(
    items: Vec<T>,
    key_of: impl Fn(&T) -> Vec<u8>,
    page: &PageRequest,
) -> (Vec<T>, PageResponse) {
    let limit = page
        .limit
        .unwrap_or(phalanx_protocol::store::DEFAULT_PAGE_LIMIT)
        .clamp(1, MAX_PAGE_LIMIT) as usize;
    let mut rest = items.into_iter().skip_while(|t| {
        page.key
            .as_deref()
            .is_some_and(|k| key_of(t).as_slice() < k)
    });
    let taken: Vec<T> = rest.by_ref().take(limit).collect();
    let next_key = rest.next().map(|t| key_of(&t));
    (taken, PageResponse { next_key })
}

/// A JSON response from encoded bytes.
pub(crate) fn json_response(body: Vec<u8>) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Runs `f` on the blocking pool over a fresh snapshot; with `?prove=true` adds proofs of every key the
/// query read, taken from the same snapshot.
pub(crate) async fn run(state: &AppState, req: Req, f: QueryFn) -> Result<Response, ApiError> {
    let prove = req.params.prove()?;
    let body = state
        .blocking("query", move |view| -> Result<Vec<u8>, ApiError> {
            let snapshot = view.snapshot()?;
            if !prove {
                return f(&*snapshot, &req)?.to_vec();
            }
            let recorder = Recorder::new(&*snapshot);
            let out = f(&recorder, &req)?;
            let (keys, truncated) = recorder.into_keys();
            let mut entries = Vec::with_capacity(keys.len());
            for key in keys {
                let p = snapshot.prove(&key)?;
                let mut e = Map::new();
                e.insert("key".into(), Value::String(hex_lower(&key)));
                e.insert(
                    "value".into(),
                    p.value
                        .as_deref()
                        .map_or(Value::Null, |v| Value::String(base64(v))),
                );
                e.insert("proof".into(), Value::String(base64(&p.proof)));
                entries.push(Value::Object(e));
            }
            let mut proof = Map::new();
            proof.insert("height".into(), Value::from(snapshot.height()));
            proof.insert(
                "app_hash".into(),
                Value::String(hex_lower(&snapshot.app_hash())),
            );
            proof.insert("truncated".into(), Value::Bool(truncated));
            proof.insert("entries".into(), Value::Array(entries));
            let mut out = out;
            out.0.insert("proof".into(), Value::Object(proof));
            out.to_vec()
        })
        .await??;
    Ok(json_response(body))
}

/// A read-through view that remembers which keys a query read, so `?prove=true` can prove exactly
/// those without the API knowing any module's key schema. Point reads come first in read order;
/// every key a range scan returned is recorded too (JMT proves keys, not ranges, so a list is proven
/// item by item and its completeness is not).
struct Recorder<'a> {
    inner: &'a dyn StateRead,
    keys: RefCell<(Vec<Vec<u8>>, bool)>,
}

impl<'a> Recorder<'a> {
    fn new(inner: &'a dyn StateRead) -> Self {
        Self {
            inner,
            keys: RefCell::new((Vec::new(), false)),
        }
    }

    fn record(&self, key: &[u8]) {
        if let Ok(mut guard) = self.keys.try_borrow_mut() {
            let (keys, truncated) = &mut *guard;
            if keys.iter().any(|k| k.as_slice() == key) {
                return;
            }
            if keys.len() < MAX_PROOFS {
                keys.push(key.to_vec());
            } else {
                *truncated = true;
            }
        }
    }

    fn into_keys(self) -> (Vec<Vec<u8>>, bool) {
        self.keys.into_inner()
    }
}

impl StateRead for Recorder<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        self.record(key);
        self.inner.get(key)
    }

    fn range(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        limit: Option<usize>,
    ) -> Result<Vec<Entry>, StateError> {
        let rows = self.inner.range(start, end, limit)?;
        for (k, _) in &rows {
            self.record(k);
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_memory_pages_cover_every_item_once() {
        let items: Vec<u8> = (0..10).collect();
        let mut page = PageRequest {
            key: None,
            limit: Some(4),
        };
        let mut seen = Vec::new();
        for _ in 0..10 {
            let (rows, next) = paginate_sorted(items.clone(), |i| vec![*i], &page);
            seen.extend(rows);
            match next.next_key {
                Some(k) => page.key = Some(k),
                None => break,
            }
        }
        assert_eq!(seen, items);
    }

    #[test]
    fn bad_pagination_is_a_bad_request() {
        let p = Params {
            offset: Some("5".into()),
            ..Params::default()
        };
        assert!(p.page().is_err());
        let p = Params {
            limit: Some("x".into()),
            ..Params::default()
        };
        assert!(p.page().is_err());
        let p = Params {
            key: Some("AAE=".into()),
            limit: Some("0".into()),
            ..Params::default()
        };
        assert_eq!(
            p.page().unwrap(),
            PageRequest {
                key: Some(vec![0, 1]),
                limit: None
            }
        );
    }
}
