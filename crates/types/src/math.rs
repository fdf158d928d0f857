//! The error type shared by all checked arithmetic on amounts, decimals and coin sets.
//!
//! Arithmetic never wraps or panics: every operation that can fail returns a [`MathError`] so that a bad
//! transaction is rejected instead of taking the node down.

/// Why a checked arithmetic, parsing or coin-set operation failed.
///
/// The messages are meant to be shown to the user who submitted the offending input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MathError {
    /// The exact result does not fit in the target type (e.g. `u128` or the 256-bit decimal).
    #[error("arithmetic overflow: the result is too large to be represented")]
    Overflow,
    /// A division or quotient had a zero divisor.
    #[error("division by zero")]
    DivisionByZero,
    /// A subtraction would have gone below zero; amounts are unsigned, so this usually means an
    /// insufficient balance.
    #[error("insufficient amount: the subtraction would result in a negative value")]
    Negative,
    /// A denomination does not follow the `[a-zA-Z][a-zA-Z0-9/:._-]{2,127}` rule.
    #[error("invalid denom: {0}")]
    InvalidDenom(String),
    /// A coin set is not in canonical form (unsorted, duplicate denoms, zero amounts, ...).
    #[error("invalid coins: {0}")]
    InvalidCoins(String),
    /// A textual amount, decimal or coin could not be parsed.
    #[error("parse error: {0}")]
    Parse(String),
}

/// Longest slice of user input echoed back in an error message, so that a huge malicious string cannot
/// blow up error sizes (and therefore logs or transaction results).
const MAX_EXCERPT_CHARS: usize = 64;

/// Quotes user input for an error message, cut to a bounded length.
pub(crate) fn excerpt(input: &str) -> String {
    let mut chars = input.chars();
    let head: String = chars.by_ref().take(MAX_EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        format!("{head:?}...")
    } else {
        format!("{head:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_actionable() {
        assert_eq!(
            MathError::InvalidDenom("\"x\" is too short".into()).to_string(),
            "invalid denom: \"x\" is too short"
        );
        assert_eq!(MathError::DivisionByZero.to_string(), "division by zero");
        assert!(MathError::Negative.to_string().contains("negative"));
        assert!(MathError::Overflow.to_string().contains("overflow"));
        assert!(MathError::Parse("bad".into()).to_string().ends_with("bad"));
        assert!(
            MathError::InvalidCoins("dup".into())
                .to_string()
                .ends_with("dup")
        );
    }

    #[test]
    fn excerpt_bounds_length() {
        assert_eq!(excerpt("abc"), "\"abc\"");
        let long = "x".repeat(1000);
        let quoted = excerpt(&long);
        assert!(quoted.len() < 80);
        assert!(quoted.ends_with("..."));
    }
}
