//! Checks shared by every module's genesis validation.

use phalanx_types::Error;
use phalanx_types::error::Result;

/// Requires `items` to be strictly increasing by `key`: sorted and without duplicates. Export always
/// produces this order, so export → import → export is byte-identical.
pub fn require_sorted_unique<T, K: Ord + std::fmt::Debug>(
    items: &[T],
    key: impl Fn(&T) -> K,
    what: &str,
) -> Result<()> {
    for pair in items.windows(2) {
        if let [a, b] = pair
            && key(a) >= key(b)
        {
            return Err(Error::InvalidGenesis(format!(
                "{what} must be sorted without duplicates (at {:?})",
                key(b)
            )));
        }
    }
    Ok(())
}
