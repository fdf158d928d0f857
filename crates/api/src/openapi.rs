//! `GET /openapi.json`: an OpenAPI 3 document generated from the route table, so every served route
//! is documented and nothing documented is missing (generated once, at router construction).

use crate::AppState;
use crate::routes::{BodyKind, QueryParam, ROUTES, RouteSpec, Verb};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// The OpenAPI path of an axum path: `{*denom}` becomes `{denom}`.
pub(crate) fn openapi_path(axum_path: &str) -> String {
    axum_path.replace("{*", "{")
}

/// Names of the path captures, in order.
fn captures(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| name.trim_start_matches('*').to_string())
        .collect()
}

fn path_param(name: &str, catch_all: bool) -> Value {
    let (schema, description) = if name == "plan_id" || name == "slash_id" {
        let what = if name == "plan_id" {
            "Rewards plan"
        } else {
            "Slash"
        };
        (
            json!({"type": "integer", "format": "int64", "minimum": 1}),
            format!("{what} id (ids start at 1; 0 is a bad request)"),
        )
    } else if name.ends_with("_id") {
        (
            json!({"type": "integer", "format": "int32", "minimum": 1}),
            "Numeric id (ids start at 1; 0 is a bad request)".to_string(),
        )
    } else if name.ends_with("address") || name == "creator" {
        (
            json!({"type": "string", "pattern": "^phx1[02-9ac-hj-np-z]+$"}),
            "Bech32 address with prefix phx".to_string(),
        )
    } else if name == "height" {
        (
            json!({"type": "string"}),
            "Block height, or \"latest\"".to_string(),
        )
    } else if name == "hash" {
        (
            json!({"type": "string", "pattern": "^(0x)?[0-9a-fA-F]{64}$"}),
            "Transaction hash (hex)".to_string(),
        )
    } else if catch_all {
        (
            json!({"type": "string"}),
            format!("{name}; may contain '/' (e.g. ibc/...)"),
        )
    } else {
        (json!({"type": "string"}), name.to_string())
    };
    json!({
        "name": name,
        "in": "path",
        "required": true,
        "description": description,
        "schema": schema,
    })
}

fn query_param(p: QueryParam) -> Value {
    let (name, schema, description) = match p {
        QueryParam::PaginationKey => (
            "pagination.key",
            json!({"type": "string", "format": "byte"}),
            "next_key of the previous page (base64)",
        ),
        QueryParam::PaginationLimit => (
            "pagination.limit",
            json!({"type": "integer", "minimum": 0, "maximum": 1000}),
            "Items per page (0 or absent: 100; at most 1000)",
        ),
        QueryParam::Prove => (
            "prove",
            json!({"type": "boolean"}),
            "Add proofs of every key read, against the snapshot's app hash (501 if the store has none)",
        ),
        QueryParam::Ticker => (
            "ticker",
            json!({"type": "string"}),
            "Only assets of this ticker",
        ),
        QueryParam::Service => (
            "service",
            json!({"type": "integer", "format": "int32", "minimum": 1}),
            "Service of a whole-security slash to simulate (requires fraction)",
        ),
        QueryParam::Fraction => (
            "fraction",
            json!({"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"}),
            "Fraction of the simulated slash, in (0, 1] (requires service)",
        ),
        QueryParam::Commit => (
            "commit",
            json!({"type": "boolean"}),
            "Wait for the transaction's block (bounded) and return its result",
        ),
        QueryParam::Types => (
            "types",
            json!({"type": "string"}),
            "Comma-separated event types to receive (absent: all)",
        ),
    };
    json!({
        "name": name,
        "in": "query",
        "required": false,
        "description": description,
        "schema": schema,
    })
}

fn request_body(kind: BodyKind) -> Option<Value> {
    match kind {
        BodyKind::None => None,
        BodyKind::TxBytes => Some(json!({
            "required": true,
            "description": "A signed TxRaw in base64: as plain text, as a JSON string, or as {\"tx_bytes\": \"...\"}",
            "content": {
                "text/plain": {"schema": {"type": "string", "format": "byte"}},
                "application/json": {"schema": {"oneOf": [
                    {"type": "string", "format": "byte"},
                    {"type": "object", "required": ["tx_bytes"],
                     "properties": {"tx_bytes": {"type": "string", "format": "byte"}}}
                ]}}
            }
        })),
        BodyKind::CosmosBroadcast => Some(json!({
            "required": true,
            "content": {"application/json": {"schema": {
                "type": "object",
                "required": ["tx_bytes"],
                "properties": {
                    "tx_bytes": {"type": "string", "format": "byte"},
                    "mode": {"type": "string", "enum": [
                        "BROADCAST_MODE_SYNC", "BROADCAST_MODE_ASYNC", "BROADCAST_MODE_BLOCK"
                    ]}
                }
            }}}
        })),
    }
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

fn operation(r: &RouteSpec) -> Value {
    let mut params: Vec<Value> = captures(r.path)
        .iter()
        .map(|name| path_param(name, r.path.contains(&format!("{{*{name}}}"))))
        .collect();
    params.extend(r.params.iter().map(|p| query_param(*p)));

    let mut responses = Map::new();
    let ok_schema = match r.produces {
        "application/json" => json!({"type": "object"}),
        _ => json!({"type": "string"}),
    };
    let mut ok_content = Map::new();
    ok_content.insert(r.produces.to_string(), json!({"schema": ok_schema}));
    responses.insert(
        "200".into(),
        json!({"description": r.returns, "content": Value::Object(ok_content)}),
    );
    responses.insert(
        "400".into(),
        error_response("Bad request: malformed address, id 0, bad pagination key..."),
    );
    if !captures(r.path).is_empty() {
        responses.insert("404".into(), error_response("Not found"));
    }
    if r.params.contains(&QueryParam::Prove) {
        responses.insert(
            "501".into(),
            error_response("Proofs requested from a store without them"),
        );
    }
    if r.params.contains(&QueryParam::Commit) || r.body == BodyKind::CosmosBroadcast {
        responses.insert(
            "504".into(),
            error_response("Accepted but not committed in time (the body has txhash)"),
        );
    }
    responses.insert("500".into(), error_response("Node fault"));

    let verb = match r.verb {
        Verb::Get => "get",
        Verb::Post => "post",
    };
    let operation_id: String = format!("{verb}{}", openapi_path(r.path))
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut op = Map::new();
    op.insert("operationId".into(), Value::String(operation_id));
    op.insert("summary".into(), Value::String(r.summary.to_string()));
    op.insert("tags".into(), json!([r.tag]));
    op.insert("parameters".into(), Value::Array(params));
    if let Some(body) = request_body(r.body) {
        op.insert("requestBody".into(), body);
    }
    op.insert("responses".into(), Value::Object(responses));
    Value::Object(op)
}

/// The document, built from [`ROUTES`].
pub(crate) fn document() -> Value {
    let mut paths = Map::new();
    for r in ROUTES {
        let verb = match r.verb {
            Verb::Get => "get",
            Verb::Post => "post",
        };
        let entry = paths
            .entry(openapi_path(r.path))
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(methods) = entry {
            methods.insert(verb.to_string(), operation(r));
        }
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Phalanx API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "JSON API of a Phalanx node: module queries over the latest committed state, transaction submission, status, blocks, an SSE event stream and Cosmos REST compatibility. Amounts are strings, decimals are 18-digit strings, addresses are bech32 (phx)."
        },
        "paths": Value::Object(paths),
        "components": {"schemas": {
            "Error": {
                "type": "object",
                "required": ["code", "codespace", "message"],
                "properties": {
                    "code": {"type": "integer"},
                    "codespace": {"type": "string"},
                    "message": {"type": "string"},
                    "txhash": {"type": "string"}
                }
            },
            "Pagination": {
                "type": "object",
                "properties": {"next_key": {"type": "string", "format": "byte", "nullable": true}}
            }
        }}
    })
}

/// `GET /openapi.json`: the bytes built at startup.
pub(crate) async fn serve_document(State(st): State<AppState>) -> Response {
    let mut response = st.openapi().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_and_catch_alls() {
        assert_eq!(
            captures("/a/{pool_id}/b/{*denom}"),
            vec!["pool_id".to_string(), "denom".to_string()]
        );
        assert_eq!(openapi_path("/a/{*denom}"), "/a/{denom}");
    }

    #[test]
    fn every_route_is_documented_once() {
        let doc = document();
        let paths = doc["paths"].as_object().unwrap();
        let ops: usize = paths.values().map(|m| m.as_object().unwrap().len()).sum();
        assert_eq!(ops, ROUTES.len());
    }
}
