//! Typed errors. Every error has a stable `(codespace, code)` pair that clients can match on, and a message
//! that tells the user what was wrong and what to do. Codes never change meaning once released.

use crate::address::AddressError;
use crate::math::MathError;
use serde::{Deserialize, Serialize};

/// The stable machine-readable identity of an error, as returned in transaction results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCode {
    /// The module that raised the error (`bank`, `restaking`, ...).
    pub codespace: &'static str,
    /// The error's number inside its codespace.
    pub code: u32,
}

/// Generates a module error enum with a stable code for every variant.
macro_rules! module_error {
    ($(#[$doc:meta])* $name:ident, $space:literal { $( $(#[$vdoc:meta])* $code:literal => $variant:ident $( ( $($field:ty),* ) )? = $msg:literal ),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
        pub enum $name {
            $( $(#[$vdoc])* #[error($msg)] $variant $( ( $($field),* ) )?, )*
        }

        impl $name {
            /// The stable code of this error.
            pub fn code(&self) -> ErrorCode {
                #[allow(unused_variables)]
                let code = match self {
                    $( Self::$variant { .. } => $code, )*
                };
                ErrorCode { codespace: $space, code }
            }
        }
    };
}

module_error!(
    /// Errors of account balances and supply.
    BankError, "bank" {
        /// The sender cannot cover the amount.
        1 => InsufficientFunds(String, String, String) = "account {0} holds {2}, which does not cover {1}",
        /// Supply would exceed what the amount type can hold.
        2 => SupplyOverflow(String) = "total supply of {0} would overflow",
    }
);

module_error!(
    /// Errors of the asset registry and price feed.
    AssetsError, "assets" {
        /// No asset is registered for the denom.
        1 => AssetNotFound(String) = "no asset registered for denom {0}; register it first",
        /// Ticker shape is invalid.
        2 => InvalidTicker(String) = "invalid ticker {0:?}: 1 to 10 ASCII letters or digits",
        /// Exponent is too large for exact powers of ten.
        3 => InvalidExponent(u32) = "exponent {0} is above the maximum of 18",
        /// A price of zero or an invalid price record.
        4 => InvalidPrice(String) = "invalid price: {0}",
        /// A price's timestamp is in the future of the block.
        5 => PriceFromFuture(String) = "price timestamp {0} is after the block time",
        /// The params are invalid.
        6 => InvalidParams(String) = "invalid assets params: {0}",
    }
);

module_error!(
    /// Errors of pools.
    PoolsError, "pools" {
        /// No pool with that id or denom.
        1 => PoolNotFound(String) = "pool {0} not found",
        /// A coin of another denom was offered to a pool.
        3 => InvalidDenom(String, String) = "pool of {0} cannot take {1}",
        /// Shares could not be computed (pool holds no tokens).
        2 => InsufficientShares(String) = "pool {0} holds no tokens to compute shares against",
    }
);

module_error!(
    /// Errors of operators.
    OperatorsError, "operators" {
        /// No operator with that id.
        100 => OperatorNotFound(u32) = "operator {0} not found",
        /// The operator holds no tokens to compute shares against.
        2 => InsufficientShares(u32) = "operator {0} holds no tokens to compute shares against",
        /// Params are invalid.
        3 => InvalidParams(String) = "invalid operators params: {0}",
        /// The operation needs an ACTIVE operator.
        4 => OperatorNotActive(u32) = "operator {0} is not active",
        /// Operator params (commission) are invalid.
        5 => InvalidOperatorParams(String) = "invalid operator params: {0}",
        /// The operation needs an INACTIVE operator.
        6 => OperatorNotInactive(u32) = "operator {0} is not inactive; deactivate it and wait for the inactivation to complete",
        /// Deleting would strand restakers' funds (Q3).
        7 => OperatorHasStake(u32) = "operator {0} still has delegations or unbondings; it can be deleted once they are gone",
        /// The registration fee offered does not cover the param.
        8 => InsufficientFee(String, String) = "registration fee {0} does not cover any of the required {1}",
    }
);

module_error!(
    /// Errors of services.
    ServicesError, "services" {
        /// No service with that id.
        100 => ServiceNotFound(u32) = "service {0} not found",
        /// The service holds no tokens to compute shares against.
        2 => InsufficientShares(u32) = "service {0} holds no tokens to compute shares against",
        /// Activation of an already active service.
        3 => ServiceAlreadyActive(u32) = "service {0} is already active",
        /// The operation needs an ACTIVE service.
        4 => ServiceNotActive(u32) = "service {0} is not active",
        /// The operation needs a non-ACTIVE service.
        5 => ServiceIsActive(u32) = "service {0} is active; deactivate it first",
        /// Deleting would strand restakers' funds (Q3).
        6 => ServiceHasStake(u32) = "service {0} still has delegations or unbondings; it can be deleted once they are gone",
        /// Service params are invalid.
        7 => InvalidServiceParams(String) = "invalid service params: {0}",
        /// The registration fee offered does not cover the param.
        9 => InsufficientFee(String, String) = "registration fee {0} does not cover any of the required {1}",
    }
);

module_error!(
    /// Errors of delegation, unbonding and the service/operator/pool relationships.
    RestakingError, "restaking" {
        /// Share amounts are invalid.
        2 => InvalidShares(String) = "invalid shares: {0}",
        /// The target's exchange rate is broken (tokens zero while shares exist).
        3 => ExchangeRateInvalid(String) = "{0} has shares but no tokens; it cannot accept delegations",
        /// No delegation from this delegator to this target.
        4 => DelegationNotFound(String, String) = "{0} has no delegation to {1}",
        /// The delegation does not hold enough shares.
        5 => NotEnoughShares(String) = "not enough delegation shares: {0}",
        /// No unbonding record where one was expected.
        7 => NoUnbondingDelegation(String) = "no unbonding delegation: {0}",
        /// The operator is already on the allow-list.
        10 => OperatorAlreadyAllowed(u32, u32) = "operator {0} is already on the allow-list of service {1}",
        /// The operator may not validate the service.
        11 => OperatorNotAllowed(u32, u32) = "operator {0} is not allowed by service {1}",
        /// The pool already secures the service.
        12 => PoolAlreadySecuring(u32, u32) = "pool {0} already secures service {1}",
        /// The pool does not secure the service.
        13 => PoolNotSecuring(u32, u32) = "pool {0} does not secure service {1}",
        /// The denom may not be restaked here.
        14 => DenomNotRestakable(String) = "denom {0} is not allowed for this delegation",
        /// The USD restaking cap would be exceeded.
        15 => CapExceeded(String, String) = "restaking cap exceeded: total would be {0} USD, cap is {1} USD",
        /// Too many pending unbondings for one (delegator, target).
        16 => TooManyUnbondingEntries(u32) = "too many unbonding entries (maximum {0}); wait for one to complete",
        /// Params are invalid.
        17 => InvalidParams(String) = "invalid restaking params: {0}",
        /// User preferences are invalid.
        18 => InvalidPreferences(String) = "invalid preferences: {0}",
        /// The operator has not joined the service.
        9 => ServiceNotJoined(u32, u32) = "operator {0} has not joined service {1}",
    }
);

module_error!(
    /// Errors of reward plans, reward accounting and withdrawals.
    RewardsError, "rewards" {
        /// No plan with that id.
        1 => PlanNotFound(u64) = "rewards plan {0} not found",
        /// A delegation has no reward record (a state fault or a delegation that does not exist).
        2 => NoDelegationRecord(String) = "no reward record for {0}; delegate first",
        /// The operator has no whole commission unit to withdraw.
        3 => NoOperatorCommission(u32) = "operator {0} has no commission to withdraw yet",
        /// The plan is malformed; fix the named field.
        4 => InvalidPlan(String) = "invalid rewards plan: {0}",
        /// The plan has ended and can no longer be edited or funded.
        5 => PlanEnded(u64) = "rewards plan {0} has ended",
        /// The creation fee offered does not cover the required fee.
        6 => InsufficientFee(String, String) = "plan creation fee {0} does not cover the required fee {1}; offer at least one of its coins in full",
        /// Params are invalid.
        7 => InvalidParams(String) = "invalid rewards params: {0}",
        /// A weighted distribution names a target that does not exist.
        8 => TargetNotFound(String) = "distribution target {0} not found",
        /// The coins offered are not in the plan's denom.
        9 => WrongDenom(String, String) = "plan pays in {0}; cannot fund it with {1}",
    }
);

module_error!(
    /// Errors of slashing rules, slashes and commission governance.
    SlashingError, "slashing" {
        /// The service has no slashing rules in effect yet.
        1 => NoRulesInEffect(u32) = "service {0} has no slashing rules in effect; rules take effect after the rules change delay",
        /// The rules are malformed; fix the named field.
        2 => InvalidRules(String) = "invalid slashing rules: {0}",
        /// The fraction is above the rules' per-incident cap.
        3 => IncidentCapExceeded(String, String) = "slash fraction {0} is above the per-incident cap {1}",
        /// The fraction would pass the rules' rolling-window cap.
        4 => WindowCapExceeded(String, String) = "slashes in the window would total {0}, above the window cap {1}",
        /// The infraction time is in the future, or so old that stake which left after it would be
        /// paid out before the slash executes at the end of its veto window.
        5 => InfractionOutOfRange(String, String, String) = "infraction time {0} must be between {1} and the block time {2}: stake that left after an infraction stays slashable for one unbonding time, and this slash would execute only at the end of its veto window",
        /// The named operator neither secures the service nor left it after the infraction.
        6 => OperatorNotSlashable(u32, u32) = "operator {0} does not secure service {1} for that infraction",
        /// No slash with that id.
        7 => SlashNotFound(u64) = "slash {0} not found",
        /// The slash can no longer be vetoed.
        8 => VetoClosed(u64) = "slash {0} is not pending inside its veto window",
        /// Params are invalid.
        9 => InvalidParams(String) = "invalid slashing params: {0}",
        /// A commission change moves the rate by more than the allowed step.
        10 => CommissionStepExceeded(String, String) = "commission change of {0} exceeds the maximum step {1}; change it in several steps",
    }
);

module_error!(
    /// Errors of the token factory (denoms `factory/{creator}/{subdenom}`).
    TokenFactoryError, "tokenfactory" {
        /// The full denom already exists (created before, or held under that name by the bank).
        1 => DenomExists(String) = "denom {0} already exists; choose another subdenom",
        /// No factory denom of that name was created.
        2 => DenomNotFound(String) = "denom {0} was not created by the token factory; create it first with create-denom",
        /// The subdenom breaks the naming rules.
        3 => InvalidSubdenom(String) = "invalid subdenom {0:?}: 1 to 44 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit",
        /// The denom is not of the form `factory/{bech32 creator}/{subdenom}`.
        4 => NotFactoryDenom(String) = "{0} is not a token factory denom; expected factory/{{creator address}}/{{subdenom}}",
        /// The creation fee offered does not cover the required fee.
        5 => InsufficientFee(String, String) = "denom creation fee {0} does not cover the required fee {1}; offer at least one of its coins in full",
        /// The denom metadata is malformed; fix the named field.
        6 => InvalidMetadata(String) = "invalid denom metadata: {0}",
    }
);

module_error!(
    /// Errors of liquid vesting (locked representations and insurance funds); codes follow spec §9.3.
    LiquidVestingError, "liquidvesting" {
        /// The insurance percentage is outside (0, 100].
        1 => InvalidInsurancePercentage(String) = "insurance percentage {0} must be greater than 0 and at most 100",
        /// The sender is not in the params' minters.
        2 => NotMinter(String) = "{0} is not a minter of locked representations; governance must add it to the params' minters",
        /// The sender is not in the params' burners.
        3 => NotBurner(String) = "{0} is not a burner of locked representations; governance must add it to the params' burners",
        /// The amount cannot be served (e.g. more than the user holds, liquid and restaked).
        4 => InvalidAmount(String) = "invalid amount: {0}",
        /// A denom is not of the kind required (locked where underlying is expected or the reverse).
        5 => InvalidDenom(String) = "invalid denom: {0}",
        /// Locked tokens may only move between an account and a restaking custody account.
        6 => LockedRepresentationCannotBeTransferred(String) = "{0} is a locked representation: it can only be delegated to or returned from restaking, not sent between accounts",
        /// The insurance fund does not cover the restaked locked tokens at the required percentage.
        7 => InsufficientInsuranceFund(String) = "insufficient insurance fund: {0}; deposit more with deposit-insurance-fund",
        /// The fund holds less than the amount asked for.
        8 => InsufficientBalance(String) = "insufficient balance: {0}",
        /// Tokens may not move directly between two restaking custody accounts.
        9 => TransferBetweenTargetsNotAllowed(String, String) = "transfer from {0} to {1} refused: both are restaking custody accounts; undelegate and delegate instead",
    }
);

module_error!(
    /// Errors of the consensus validator set and its equivocation records.
    ValidatorsError, "validators" {
        /// The proposed validator set is malformed; fix the named entry.
        1 => InvalidValidatorSet(String) = "invalid validator set: {0}",
        /// The set has more validators than the module params allow.
        2 => TooManyValidators(usize, u32) = "validator set of {0} validators is above the maximum of {1} (param max_validators)",
        /// Unjailing a validator that is not jailed.
        3 => NotJailed(String) = "validator {0} is not jailed; nothing to unjail",
        /// The module params are invalid.
        4 => InvalidParams(String) = "invalid validators params: {0}",
    }
);

module_error!(
    /// Why a signed transaction is not admitted: checked before any message runs. Codes follow the
    /// Cosmos SDK's root codespace so wallets recognise them.
    AuthError, "sdk" {
        /// The signature does not verify (wrong key, wrong chain id, wrong account number, tampering).
        4 => SignatureInvalid(String) = "signature verification failed: {0}; check the chain id, account number and sequence you signed",
        /// The fees of the signer's transactions already waiting in the mempool, with this one's, are
        /// more than the signer holds: only the first of them could pay, so the others would take
        /// pool and block space for free. Fields: the fees already pending, the balance, this fee.
        5 => PendingFeesExceedBalance(String, String, String) = "insufficient funds for fee: the pool already holds {0} of fees from this account; balance is {1}, which does not cover another {2}; wait for the pending transactions to be included or top up the account",
        /// The public key does not belong to the signer, or differs from the one already on the account.
        8 => PubKeyMismatch(String) = "invalid public key: {0}",
        /// The signer has no account yet.
        9 => UnknownAccount(String) = "account {0} does not exist; it is created when it first receives coins",
        /// The transaction needs more gas than its limit.
        11 => OutOfGas(u64, u64) = "out of gas: needs {0}, limit is {1}; raise the gas limit",
        /// The fee does not cover gas limit × minimum gas price.
        13 => InsufficientFee(String, String) = "insufficient fee: offered {0}, required {1}",
        /// The gas limit is above the per-transaction or remaining per-block limit.
        12 => GasLimitTooHigh(u64, u64) = "gas limit {0} is above the maximum of {1}",
        /// The encoded transaction is too large.
        21 => TxTooLarge(usize, usize) = "transaction of {0} bytes is above the limit of {1} bytes",
        /// The transaction's timeout height has passed.
        30 => TimeoutHeight(u64, u64) = "transaction timed out at height {0}; the chain is at {1}",
        /// The sequence is not the account's next one.
        32 => WrongSequence(u64, u64) = "account sequence mismatch: expected {0}, got {1}; query the account and sign again",
    }
);

/// Every error the state machine can return. A failed message returns one of these and changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Arithmetic or amount-format failure.
    #[error(transparent)]
    Math(#[from] MathError),
    /// A malformed address.
    #[error(transparent)]
    Address(#[from] AddressError),
    /// The signer is not allowed to do this.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// The message is malformed; fix the named field.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// Genesis is inconsistent.
    #[error("invalid genesis: {0}")]
    InvalidGenesis(String),
    /// Reading or writing state failed (storage fault or undecodable value); not the user's fault.
    #[error("state error: {0}")]
    State(String),
    /// Bank error.
    #[error(transparent)]
    Bank(#[from] BankError),
    /// Assets error.
    #[error(transparent)]
    Assets(#[from] AssetsError),
    /// Pools error.
    #[error(transparent)]
    Pools(#[from] PoolsError),
    /// Operators error.
    #[error(transparent)]
    Operators(#[from] OperatorsError),
    /// Services error.
    #[error(transparent)]
    Services(#[from] ServicesError),
    /// Restaking error.
    #[error(transparent)]
    Restaking(#[from] RestakingError),
    /// Rewards error.
    #[error(transparent)]
    Rewards(#[from] RewardsError),
    /// Slashing error.
    #[error(transparent)]
    Slashing(#[from] SlashingError),
    /// Token factory error.
    #[error(transparent)]
    TokenFactory(#[from] TokenFactoryError),
    /// Liquid vesting error.
    #[error(transparent)]
    LiquidVesting(#[from] LiquidVestingError),
    /// Validators error.
    #[error(transparent)]
    Validators(#[from] ValidatorsError),
    /// Transaction authentication error.
    #[error(transparent)]
    Auth(#[from] AuthError),
}

impl Error {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        let sdk = |code| ErrorCode {
            codespace: "sdk",
            code,
        };
        match self {
            Error::Math(_) => sdk(7),
            Error::Address(_) => sdk(8),
            Error::Unauthorized(_) => sdk(4),
            Error::InvalidRequest(_) => sdk(18),
            Error::InvalidGenesis(_) => sdk(26),
            Error::State(_) => sdk(1),
            Error::Bank(e) => e.code(),
            Error::Assets(e) => e.code(),
            Error::Pools(e) => e.code(),
            Error::Operators(e) => e.code(),
            Error::Services(e) => e.code(),
            Error::Restaking(e) => e.code(),
            Error::Rewards(e) => e.code(),
            Error::Slashing(e) => e.code(),
            Error::TokenFactory(e) => e.code(),
            Error::LiquidVesting(e) => e.code(),
            Error::Validators(e) => e.code(),
            Error::Auth(e) => e.code(),
        }
    }
}

/// Shorthand used across the protocol.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_per_module() {
        assert_eq!(
            Error::from(RestakingError::CapExceeded("1".into(), "0".into())).code(),
            ErrorCode {
                codespace: "restaking",
                code: 15
            }
        );
        assert_eq!(OperatorsError::OperatorNotActive(1).code().code, 4);
        assert_eq!(Error::Unauthorized("x".into()).code().codespace, "sdk");
    }
}
