//! One error shape for every route: `{code, codespace, message}` with an HTTP status that says whose
//! fault it was (4xx: the request; 5xx: the node), so scripts can branch on status and wallets on code.

use crate::view::{NodeError, ProveError, SubmitError, SubmitErrorKind};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use phalanx_types::Error;
use phalanx_types::error::{
    AssetsError, OperatorsError, PoolsError, RestakingError, RewardsError, ServicesError,
    SlashingError, TokenFactoryError,
};
use serde::Serialize;

/// Cosmos SDK root codespace, used for errors the API raises itself.
pub const SDK: &str = "sdk";
/// Cosmos `ErrInternal`-like code for node faults.
pub const CODE_INTERNAL: u32 = 1;
/// Cosmos `ErrInvalidRequest`.
pub const CODE_INVALID_REQUEST: u32 = 18;
/// Cosmos `ErrNotSupported`.
pub const CODE_NOT_SUPPORTED: u32 = 37;
/// Cosmos `ErrNotFound`.
pub const CODE_NOT_FOUND: u32 = 38;
/// Cosmos `ErrMempoolIsFull`, reused for "try again later".
pub const CODE_UNAVAILABLE: u32 = 20;
/// Cosmos `ErrTxTimeoutHeight`-like code for a commit wait that ran out.
pub const CODE_TIMEOUT: u32 = 30;

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    /// HTTP status (not in the body).
    #[serde(skip)]
    pub status: StatusCode,
    /// Stable code within the codespace.
    pub code: u32,
    /// Module that raised it.
    pub codespace: String,
    /// What was wrong and what to do.
    pub message: String,
    /// The transaction concerned, when a submission was accepted but its commit wait failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub txhash: Option<String>,
}

impl ApiError {
    /// An error raised by the API itself.
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            codespace: SDK.into(),
            message: message.into(),
            txhash: None,
        }
    }

    /// The request is malformed (bad address, id 0, bad pagination key...).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, CODE_INVALID_REQUEST, message)
    }

    /// The requested object does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, CODE_NOT_FOUND, message)
    }

    /// The node failed.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, CODE_INTERNAL, message)
    }

    /// The node does not offer this (e.g. proofs on a store without them).
    pub fn not_implemented(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_IMPLEMENTED, CODE_NOT_SUPPORTED, message)
    }

    /// The node cannot answer now; retry later.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, CODE_UNAVAILABLE, message)
    }

    /// Attaches the transaction hash a client should keep following.
    pub fn with_txhash(mut self, hash: impl ToString) -> Self {
        self.txhash = Some(hash.to_string());
        self
    }
}

/// Whether a state-machine error means "no such object" rather than "bad request".
fn is_not_found(e: &Error) -> bool {
    matches!(
        e,
        Error::Pools(PoolsError::PoolNotFound(_))
            | Error::Operators(OperatorsError::OperatorNotFound(_))
            | Error::Services(ServicesError::ServiceNotFound(_))
            | Error::Assets(AssetsError::AssetNotFound(_))
            | Error::Restaking(RestakingError::DelegationNotFound(..))
            | Error::Restaking(RestakingError::NoUnbondingDelegation(_))
            | Error::Rewards(RewardsError::PlanNotFound(_))
            | Error::Slashing(SlashingError::SlashNotFound(_))
            | Error::TokenFactory(TokenFactoryError::DenomNotFound(_))
    )
}

impl From<Error> for ApiError {
    /// Keeps the module's code and codespace; the status follows whose fault it is.
    fn from(e: Error) -> Self {
        let status = match &e {
            _ if is_not_found(&e) => StatusCode::NOT_FOUND,
            // A query never does arithmetic on user input, so an overflow is a fault of state.
            Error::State(_) | Error::Math(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        };
        let c = e.code();
        Self {
            status,
            code: c.code,
            codespace: c.codespace.to_string(),
            message: e.to_string(),
            txhash: None,
        }
    }
}

impl From<phalanx_state::StateError> for ApiError {
    fn from(e: phalanx_state::StateError) -> Self {
        Error::from(e).into()
    }
}

impl From<NodeError> for ApiError {
    fn from(e: NodeError) -> Self {
        match e {
            NodeError::Unavailable(_) => Self::unavailable(e.to_string()),
            NodeError::Internal(_) => Self::internal(e.to_string()),
        }
    }
}

impl From<ProveError> for ApiError {
    fn from(e: ProveError) -> Self {
        match e {
            ProveError::Unsupported(_) => Self::not_implemented(e.to_string()),
            ProveError::Failed(_) => Self::internal(e.to_string()),
        }
    }
}

impl From<SubmitError> for ApiError {
    fn from(e: SubmitError) -> Self {
        let status = match e.kind {
            SubmitErrorKind::Rejected => StatusCode::BAD_REQUEST,
            SubmitErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            SubmitErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Self {
            status,
            code: e.code,
            codespace: e.codespace,
            message: e.message,
            txhash: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| {
            br#"{"code":1,"codespace":"sdk","message":"unencodable error"}"#.to_vec()
        });
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_errors_keep_their_module_code() {
        let e = ApiError::from(Error::from(PoolsError::PoolNotFound("7".into())));
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        assert_eq!((e.codespace.as_str(), e.code), ("pools", 1));
        let e = ApiError::from(Error::InvalidRequest("x".into()));
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        let e = ApiError::from(Error::State("disk".into()));
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}
