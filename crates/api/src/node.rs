//! Node routes: transaction submission and lookup, status, blocks.

use crate::AppState;
use crate::encoding::{base64, decode_base64};
use crate::error::{ApiError, CODE_TIMEOUT};
use crate::query::{Args, Out, Params, json_response};
use crate::view::{TxHash, TxRecord};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

/// Reads a request body up to the configured limit; a larger one is a 413 in the usual error shape.
pub(crate) async fn read_body(body: Body, limit: usize) -> Result<Vec<u8>, ApiError> {
    axum::body::to_bytes(body, limit)
        .await
        .map(|b| b.to_vec())
        .map_err(|e| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                crate::error::CODE_INVALID_REQUEST,
                format!("request body unreadable or above {limit} bytes: {e}"),
            )
        })
}

/// `{"tx_bytes": "<base64>"}`, the JSON form of a submission.
#[derive(Deserialize)]
struct TxBytesBody {
    tx_bytes: String,
}

/// The `TxRaw` bytes of a `POST /txs` body: a bare base64 string (text), a JSON string, or
/// `{"tx_bytes": "..."}`.
pub(crate) fn parse_tx_body(body: &[u8]) -> Result<Vec<u8>, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::bad_request("the body must be base64 text or JSON"))?
        .trim();
    let encoded = if text.starts_with('{') {
        serde_json::from_str::<TxBytesBody>(text)
            .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))?
            .tx_bytes
    } else if text.starts_with('"') {
        serde_json::from_str::<String>(text)
            .map_err(|e| ApiError::bad_request(format!("invalid JSON string body: {e}")))?
    } else {
        text.to_string()
    };
    let bytes =
        decode_base64(&encoded).map_err(|e| ApiError::bad_request(format!("tx_bytes: {e}")))?;
    if bytes.is_empty() {
        return Err(ApiError::bad_request(
            "empty transaction: send the base64 of a signed TxRaw",
        ));
    }
    Ok(bytes)
}

/// A transaction's outcome in the Phalanx shape: where it landed, then every field of its result
/// (code, codespace, log, events, responses, gas), copied from the result's own JSON so a field the
/// app adds reaches clients without an API change.
pub(crate) fn tx_out(record: &TxRecord) -> Result<Out, ApiError> {
    let mut out = Out::one("txhash", &record.hash)?
        .with("height", &record.height)?
        .with("index", &record.index)?
        .with("timestamp", &record.time)?;
    let result = serde_json::to_value(&record.result)
        .map_err(|e| ApiError::internal(format!("encoding tx result: {e}")))?;
    if let Value::Object(fields) = result {
        out.0.extend(fields);
    }
    if let Some(bytes) = &record.tx_bytes {
        out = out.with("tx", &base64(bytes))?;
    }
    Ok(out)
}

/// Waits for a submitted transaction's block; a timeout is a 504 that still names the hash.
pub(crate) async fn wait_committed(st: &AppState, hash: TxHash) -> Result<TxRecord, ApiError> {
    let timeout = st.config().commit_timeout;
    match st.view().wait_for_tx(hash, timeout).await {
        Ok(Some(record)) => Ok(record),
        Ok(None) => Err(ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            CODE_TIMEOUT,
            format!(
                "transaction {hash} was accepted but not committed within {} s; follow it with GET /txs/{hash}",
                timeout.as_secs()
            ),
        )
        .with_txhash(hash)),
        Err(e) => Err(ApiError::from(e).with_txhash(hash)),
    }
}

/// `POST /txs`: admit a transaction; with `?commit=true` wait for its block.
pub(crate) async fn submit(
    State(st): State<AppState>,
    params: Params,
    req: Request,
) -> Result<Response, ApiError> {
    let commit = Params::flag(params.commit.as_deref(), "commit")?;
    let body = read_body(req.into_body(), st.config().max_body_bytes).await?;
    let tx_bytes = parse_tx_body(&body)?;
    // Signature verification: on the blocking pool, never on an async worker.
    let hash = st
        .blocking("submission", move |view| view.submit_tx(tx_bytes))
        .await??;
    let out = if commit {
        tx_out(&wait_committed(&st, hash).await?)?
    } else {
        Out::one("txhash", &hash)?
    };
    Ok(json_response(out.to_vec()?))
}

/// `GET /txs/{hash}`.
pub(crate) async fn get_tx(State(st): State<AppState>, args: Args) -> Result<Response, ApiError> {
    let raw = args
        .0
        .get("hash")
        .ok_or_else(|| ApiError::internal("route has no hash parameter"))?;
    let hash: TxHash = raw.parse().map_err(ApiError::bad_request)?;
    let record = st
        .blocking("transaction lookup", move |view| view.tx(&hash))
        .await??
        .ok_or_else(|| ApiError::not_found(format!("transaction {hash} not found")))?;
    Ok(json_response(tx_out(&record)?.to_vec()?))
}

/// `GET /status`.
pub(crate) async fn status(State(st): State<AppState>) -> Result<Response, ApiError> {
    let status = st.status().await?;
    let body = serde_json::to_vec(&status)
        .map_err(|e| ApiError::internal(format!("encoding status: {e}")))?;
    Ok(json_response(body))
}

/// `GET /blocks/{height}` (`latest` for the newest).
pub(crate) async fn block(State(st): State<AppState>, args: Args) -> Result<Response, ApiError> {
    let raw = args
        .0
        .get("height")
        .ok_or_else(|| ApiError::internal("route has no height parameter"))?;
    let height = if raw == "latest" {
        st.status().await?.latest_height
    } else {
        let h: u64 = raw.parse().map_err(|_| {
            ApiError::bad_request(format!(
                "height {raw:?} is not a positive integer or \"latest\""
            ))
        })?;
        if h == 0 {
            return Err(ApiError::bad_request(
                "height must not be 0: blocks start at 1",
            ));
        }
        h
    };
    let block = st
        .blocking("block lookup", move |view| view.block(height))
        .await??
        .ok_or_else(|| ApiError::not_found(format!("block {height} not found")))?;
    Ok(json_response(Out::one("block", &block)?.to_vec()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tx_bodies_in_every_accepted_form() {
        assert_eq!(parse_tx_body(b"AQID").unwrap(), vec![1, 2, 3]);
        assert_eq!(parse_tx_body(b" \"AQID\"\n").unwrap(), vec![1, 2, 3]);
        assert_eq!(
            parse_tx_body(br#"{"tx_bytes":"AQID"}"#).unwrap(),
            vec![1, 2, 3]
        );
        assert!(parse_tx_body(b"").is_err());
        assert!(parse_tx_body(b"{}").is_err());
        assert!(parse_tx_body(b"!!!").is_err());
    }
}
