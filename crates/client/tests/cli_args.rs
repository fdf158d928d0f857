//! Every `tx` subcommand parses into the right message, and every `query` subcommand into the right API
//! path: one table each.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use clap::Parser;
use phalanx_client::cli::query::AddressesOnly;
use phalanx_client::cli::tx::{BroadcastMode, BuildContext, ModuleParams, parse_duration};
use phalanx_client::cli::{Cli, ClientCommand, OutputFormat};
use phalanx_client::keyring::{Backend, KeyInfo};
use phalanx_client::{Keyring, SigningKey};
use phalanx_types::msgs::*;
use phalanx_types::{
    Address, Coin, Coins, Dec, Duration, OperatorId, PoolId, ServiceId, Timestamp,
};
use std::collections::BTreeSet;

fn key(seed: u8) -> SigningKey {
    SigningKey::from_hex(&format!("{seed:02x}").repeat(32)).unwrap()
}

fn coins(s: &str) -> Coins {
    s.parse().unwrap()
}

fn dec(s: &str) -> Dec {
    s.parse().unwrap()
}

fn parse(line: &str) -> ClientCommand {
    let args = std::iter::once("phalanxd").chain(line.split_whitespace());
    match Cli::try_parse_from(args) {
        Ok(cli) => cli.command,
        Err(e) => panic!("{line}: {e}"),
    }
}

fn block_time() -> Timestamp {
    "2026-03-04T05:06:07Z".parse().unwrap()
}

fn ctx(signer: Address, bob: Address, module: Option<&str>) -> BuildContext {
    let params = module.map(|m| match m {
        "assets" => ModuleParams::Assets(AssetsParams::default()),
        "operators" => ModuleParams::Operators(OperatorsParams::default()),
        "services" => ModuleParams::Services(ServicesParams::default()),
        "restaking" => ModuleParams::Restaking(RestakingParams::default()),
        other => panic!("no params for {other}"),
    });
    BuildContext {
        signer,
        block_time: block_time(),
        params,
        keys: vec![KeyInfo {
            name: "bob".into(),
            address: bob,
            public_key: key(2).public_key(),
            hd_path: None,
        }],
    }
}

fn msg_of(line: &str, me: Address, bob: Address) -> Msg {
    let ClientCommand::Tx(args) = parse(line) else {
        panic!("{line} is not a tx command");
    };
    let c = ctx(me, bob, args.cmd.params_module());
    let msg = args
        .cmd
        .to_msg(&c)
        .unwrap_or_else(|e| panic!("{line}: {e}"));
    msg.validate_stateless()
        .unwrap_or_else(|e| panic!("{line}: {e}"));
    msg
}

#[test]
fn every_tx_subcommand_builds_its_message() {
    let me = key(1).address();
    let bob = key(2).address();
    let carol = key(3).address();
    let hours = |h: u64| Duration::from_hours(h);
    let gold = factory_denom(&me, "gold").unwrap();
    // The ed25519 base point and the public key of RFC 8032 test 1: both valid curve points.
    let (k0, k1) = (
        "58".to_string() + &"66".repeat(31),
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a".to_string(),
    );
    let table: Vec<(String, Msg)> = vec![
        (format!("tx bank send {carol} 5uatom,7uphx --from alice"), MsgSend { from_address: me, to_address: carol, amount: coins("5uatom,7uphx") }.into()),
        ("tx bank send bob 5uatom --from alice".into(), MsgSend { from_address: me, to_address: bob, amount: coins("5uatom") }.into()),
        ("tx assets register uatom ATOM 6".into(), MsgRegisterAsset { authority: me, asset: Asset { denom: "uatom".into(), ticker: "ATOM".into(), exponent: 6 } }.into()),
        ("tx assets deregister uatom".into(), MsgDeregisterAsset { authority: me, denom: "uatom".into() }.into()),
        ("tx assets post-price ATOM 7.25".into(), MsgPostPrice { authority: me, ticker: "ATOM".into(), price: dec("7.25"), time: block_time() }.into()),
        ("tx assets post-price ATOM 8 --time 2026-01-02T00:00:00Z".into(), MsgPostPrice { authority: me, ticker: "ATOM".into(), price: dec("8"), time: "2026-01-02T00:00:00Z".parse().unwrap() }.into()),
        ("tx assets update-params --max-price-age 12h".into(), MsgUpdateAssetsParams { authority: me, params: AssetsParams { max_price_age: hours(12) } }.into()),
        ("tx operators register MyOp --website https://op.example --picture-url https://op.example/p.png".into(), MsgRegisterOperator { sender: me, moniker: "MyOp".into(), website: "https://op.example".into(), picture_url: "https://op.example/p.png".into(), fee_amount: Coins::empty() }.into()),
        ("tx operators register MyOp --fee-amount 10uphx".into(), MsgRegisterOperator { sender: me, moniker: "MyOp".into(), website: String::new(), picture_url: String::new(), fee_amount: coins("10uphx") }.into()),
        ("tx operators update 3 --moniker New".into(), MsgUpdateOperator { sender: me, operator_id: OperatorId(3), moniker: Some("New".into()), website: None, picture_url: None }.into()),
        ("tx operators deactivate 3".into(), MsgDeactivateOperator { sender: me, operator_id: OperatorId(3) }.into()),
        ("tx operators reactivate 3".into(), MsgReactivateOperator { sender: me, operator_id: OperatorId(3) }.into()),
        ("tx operators delete 3".into(), MsgDeleteOperator { sender: me, operator_id: OperatorId(3) }.into()),
        ("tx operators set-params 3 --commission-rate 0.05".into(), MsgSetOperatorParams { sender: me, operator_id: OperatorId(3), params: OperatorParams { commission_rate: dec("0.05") } }.into()),
        ("tx operators transfer-ownership 3 bob".into(), MsgTransferOperatorOwnership { sender: me, operator_id: OperatorId(3), new_admin: bob }.into()),
        ("tx operators update-params --deactivation-time 2d".into(), MsgUpdateOperatorsParams { authority: me, params: OperatorsParams { deactivation_time: hours(48), ..OperatorsParams::default() } }.into()),
        ("tx operators update-params --registration-fee 100uphx".into(), MsgUpdateOperatorsParams { authority: me, params: OperatorsParams { operator_registration_fee: coins("100uphx"), ..OperatorsParams::default() } }.into()),
        ("tx services create Oracle --description Prices --website https://s.example".into(), MsgCreateService { sender: me, name: "Oracle".into(), description: "Prices".into(), website: "https://s.example".into(), picture_url: String::new(), fee_amount: Coins::empty() }.into()),
        ("tx services update 4 --name Oracle2 --description new".into(), MsgUpdateService { sender: me, service_id: ServiceId(4), name: Some("Oracle2".into()), description: Some("new".into()), website: None, picture_url: None }.into()),
        ("tx services activate 4".into(), MsgActivateService { sender: me, service_id: ServiceId(4) }.into()),
        ("tx services deactivate 4".into(), MsgDeactivateService { sender: me, service_id: ServiceId(4) }.into()),
        ("tx services delete 4".into(), MsgDeleteService { sender: me, service_id: ServiceId(4) }.into()),
        (format!("tx services transfer-ownership 4 {carol}"), MsgTransferServiceOwnership { sender: me, service_id: ServiceId(4), new_admin: carol }.into()),
        ("tx services set-params 4 uatom utia".into(), MsgSetServiceParams { sender: me, service_id: ServiceId(4), service_params: ServiceParams { allowed_denoms: vec!["uatom".into(), "utia".into()] } }.into()),
        ("tx services set-params 4".into(), MsgSetServiceParams { sender: me, service_id: ServiceId(4), service_params: ServiceParams::default() }.into()),
        ("tx services accredit 4".into(), MsgAccreditService { authority: me, service_id: ServiceId(4) }.into()),
        ("tx services revoke-accreditation 4".into(), MsgRevokeServiceAccreditation { authority: me, service_id: ServiceId(4) }.into()),
        ("tx services update-params --registration-fee 5uphx".into(), MsgUpdateServicesParams { authority: me, params: ServicesParams { service_registration_fee: coins("5uphx") } }.into()),
        ("tx restaking delegate-pool 1000000uatom --from alice".into(), MsgDelegatePool { delegator: me, amount: Coin::new("uatom", 1_000_000) }.into()),
        ("tx restaking delegate-operator 3 10uatom,5utia".into(), MsgDelegateOperator { delegator: me, operator_id: OperatorId(3), amount: coins("10uatom,5utia") }.into()),
        ("tx restaking delegate-service 4 10uatom".into(), MsgDelegateService { delegator: me, service_id: ServiceId(4), amount: coins("10uatom") }.into()),
        ("tx restaking undelegate-pool 7uatom".into(), MsgUndelegatePool { delegator: me, amount: Coin::new("uatom", 7) }.into()),
        ("tx restaking undelegate-operator 3 7uatom".into(), MsgUndelegateOperator { delegator: me, operator_id: OperatorId(3), amount: coins("7uatom") }.into()),
        ("tx restaking undelegate-service 4 7uatom".into(), MsgUndelegateService { delegator: me, service_id: ServiceId(4), amount: coins("7uatom") }.into()),
        ("tx restaking join-service 3 4".into(), MsgJoinService { sender: me, operator_id: OperatorId(3), service_id: ServiceId(4) }.into()),
        ("tx restaking leave-service 3 4".into(), MsgLeaveService { sender: me, operator_id: OperatorId(3), service_id: ServiceId(4) }.into()),
        ("tx restaking allow-operator 4 3".into(), MsgAddOperatorToAllowList { sender: me, service_id: ServiceId(4), operator_id: OperatorId(3) }.into()),
        ("tx restaking remove-allowed-operator 4 3".into(), MsgRemoveOperatorFromAllowList { sender: me, service_id: ServiceId(4), operator_id: OperatorId(3) }.into()),
        ("tx restaking borrow-pool-security 4 1".into(), MsgBorrowPoolSecurity { sender: me, service_id: ServiceId(4), pool_id: PoolId(1) }.into()),
        ("tx restaking cease-pool-security-borrow 4 1".into(), MsgCeasePoolSecurityBorrow { sender: me, service_id: ServiceId(4), pool_id: PoolId(1) }.into()),
        ("tx restaking set-user-preferences --trust 4 --trust 5:1,2".into(), MsgSetUserPreferences { user: me, preferences: UserPreferences { trusted_services: vec![
            TrustedServiceEntry { service_id: ServiceId(4), pool_ids: vec![] },
            TrustedServiceEntry { service_id: ServiceId(5), pool_ids: vec![PoolId(1), PoolId(2)] },
        ] } }.into()),
        ("tx restaking set-user-preferences".into(), MsgSetUserPreferences { user: me, preferences: UserPreferences::default() }.into()),
        ("tx restaking update-params --unbonding-time 259200s --allowed-denoms uatom,utia --restaking-cap 1000000 --max-entries 3".into(), MsgUpdateRestakingParams { authority: me, params: RestakingParams { unbonding_time: hours(72), allowed_denoms: vec!["uatom".into(), "utia".into()], restaking_cap: dec("1000000"), max_entries: 3 } }.into()),
        ("tx restaking update-params --max-entries 9".into(), MsgUpdateRestakingParams { authority: me, params: RestakingParams { max_entries: 9, ..RestakingParams::default() } }.into()),
        ("tx rewards create-plan 4 --description budget --amount-per-day 86400uphx --start-time 2026-01-01T00:00:00Z --end-time 2026-02-01T00:00:00Z --pools-weight 2 --operators-weight 1 --operators-weights 3:1,5:2 --users-weight 1 --fee-amount 10uphx".into(), MsgCreateRewardsPlan { sender: me, service_id: ServiceId(4), terms: PlanTerms {
            description: "budget".into(), amount_per_day: Coin::new("uphx", 86_400), start_time: "2026-01-01T00:00:00Z".parse().unwrap(), end_time: "2026-02-01T00:00:00Z".parse().unwrap(),
            pools_distribution: Distribution { weight: 2, kind: DistributionType::Basic },
            operators_distribution: Distribution { weight: 1, kind: DistributionType::Weighted { weights: vec![DistributionWeight { target_id: 3, weight: 1 }, DistributionWeight { target_id: 5, weight: 2 }] } },
            users_distribution: UsersDistribution { weight: 1 } }, fee_amount: coins("10uphx") }.into()),
        ("tx rewards edit-plan 7 --amount-per-day 5uphx --start-time 2026-01-01T00:00:00Z --end-time 2026-02-01T00:00:00Z --pools-split egalitarian".into(), MsgEditRewardsPlan { sender: me, plan_id: 7, terms: PlanTerms {
            description: String::new(), amount_per_day: Coin::new("uphx", 5), start_time: "2026-01-01T00:00:00Z".parse().unwrap(), end_time: "2026-02-01T00:00:00Z".parse().unwrap(),
            pools_distribution: Distribution { weight: 0, kind: DistributionType::Egalitarian },
            operators_distribution: Distribution { weight: 0, kind: DistributionType::Basic },
            users_distribution: UsersDistribution { weight: 0 } } }.into()),
        ("tx rewards fund-plan 7 1000uphx".into(), MsgFundRewardsPlan { sender: me, plan_id: 7, amount: Coin::new("uphx", 1000) }.into()),
        ("tx rewards set-withdraw-address bob".into(), MsgSetWithdrawAddress { sender: me, withdraw_address: bob }.into()),
        ("tx rewards withdraw-rewards operator 3".into(), MsgWithdrawDelegatorReward { delegator: me, delegation_type: DelegationKind::Operator, target_id: 3 }.into()),
        ("tx rewards withdraw-commission 3".into(), MsgWithdrawOperatorCommission { sender: me, operator_id: OperatorId(3) }.into()),
        (format!("tx slashing set-rules 4 --slasher {carol} --max-incident-fraction 0.1 --max-window-fraction 0.25 --window 30d --veto-window 1h --resolver bob --destination {carol}"),
            MsgSetSlashingRules { sender: me, service_id: ServiceId(4), rules: SlashingRules { slasher: carol, max_incident_fraction: dec("0.1"), max_window_fraction: dec("0.25"),
                window: hours(720), veto_window: hours(1), resolver: Some(bob), destination: SlashDestination::Recipient { address: carol } } }.into()),
        ("tx slashing set-rules 4 --slasher bob --max-incident-fraction 1 --max-window-fraction 1 --window 1h --veto-window 0s --destination burn".into(),
            MsgSetSlashingRules { sender: me, service_id: ServiceId(4), rules: SlashingRules { slasher: bob, max_incident_fraction: Dec::ONE, max_window_fraction: Dec::ONE,
                window: hours(1), veto_window: Duration(0), resolver: None, destination: SlashDestination::Burn } }.into()),
        ("tx slashing set-rules 4 --slasher bob --max-incident-fraction 0.1 --max-window-fraction 0.1 --window 1h --veto-window 0s --destination service".into(),
            MsgSetSlashingRules { sender: me, service_id: ServiceId(4), rules: SlashingRules { slasher: bob, max_incident_fraction: dec("0.1"), max_window_fraction: dec("0.1"),
                window: hours(1), veto_window: Duration(0), resolver: None, destination: SlashDestination::Service } }.into()),
        ("tx slashing submit 4 0.05 --infraction-time 2026-03-04T05:06:07Z --operator 3 --reason double-sign".into(),
            MsgSubmitSlash { slasher: me, service_id: ServiceId(4), operator_id: Some(OperatorId(3)), fraction: dec("0.05"), infraction_time: block_time(), reason: "double-sign".into() }.into()),
        ("tx slashing submit 4 0.05 --infraction-time 2026-03-04T05:06:07Z --reason downtime".into(),
            MsgSubmitSlash { slasher: me, service_id: ServiceId(4), operator_id: None, fraction: dec("0.05"), infraction_time: block_time(), reason: "downtime".into() }.into()),
        ("tx slashing veto 7".into(), MsgVetoSlash { resolver: me, slash_id: 7 }.into()),
        ("tx slashing update-params --rules-change-delay 72h --commission-change-delay 24h --max-commission-step 0.05".into(),
            MsgUpdateSlashingParams { authority: me, params: SlashingParams { rules_change_delay: hours(72), commission_change_delay: hours(24), max_commission_step: dec("0.05") } }.into()),
        ("tx rewards update-params --plan-creation-fee 100uphx".into(), MsgUpdateRewardsParams { authority: me, params: RewardsParams { rewards_plan_creation_fee: coins("100uphx") } }.into()),
        ("tx tokenfactory create-denom gold --fee-amount 10uphx".into(), MsgCreateDenom { sender: me, subdenom: "gold".into(), fee_amount: coins("10uphx") }.into()),
        (format!("tx tokenfactory mint 5{gold} --mint-to bob"), MsgMint { sender: me, amount: Coin::new(&gold, 5), mint_to_address: bob }.into()),
        (format!("tx tokenfactory burn 3{gold}"), MsgBurn { sender: me, amount: Coin::new(&gold, 3), burn_from_address: me }.into()),
        (format!("tx tokenfactory change-admin {gold} bob"), MsgChangeAdmin { sender: me, denom: gold.clone(), new_admin: Some(bob) }.into()),
        (format!("tx tokenfactory set-denom-metadata {gold} --name Gold --symbol GLD --units gold:6"), MsgSetDenomMetadata { sender: me, metadata: DenomMetadata {
            description: String::new(), denom_units: vec![DenomUnit { denom: gold.clone(), exponent: 0, aliases: vec![] }, DenomUnit { denom: "gold".into(), exponent: 6, aliases: vec![] }],
            base: gold.clone(), display: "gold".into(), name: "Gold".into(), symbol: "GLD".into(), uri: String::new(), uri_hash: String::new() } }.into()),
        ("tx tokenfactory update-params --denom-creation-fee 100uphx".into(), MsgUpdateTokenFactoryParams { authority: me, params: TokenFactoryParams { denom_creation_fee: coins("100uphx") } }.into()),
        ("tx liquidvesting mint-locked bob 100uatom".into(), MsgMintLockedRepresentation { sender: me, receiver: bob, amount: coins("100uatom") }.into()),
        ("tx liquidvesting burn-locked bob 7locked/uatom".into(), MsgBurnLockedRepresentation { sender: me, user: bob, amount: coins("7locked/uatom") }.into()),
        ("tx liquidvesting deposit-insurance 20uatom".into(), MsgDepositInsuranceFund { depositor: me, amount: coins("20uatom") }.into()),
        ("tx liquidvesting withdraw-insurance 5uatom".into(), MsgWithdrawInsuranceFund { sender: me, amount: coins("5uatom") }.into()),
        ("tx liquidvesting update-params --insurance-percentage 2.5 --minters bob --burners bob".into(),
            MsgUpdateLiquidVestingParams { authority: me, params: LiquidVestingParams { insurance_percentage: dec("2.5"), minters: vec![bob], burners: vec![bob] } }.into()),
        (format!("tx validators update-set node0={k0}@127.0.0.1:26656 node1={k1}@127.0.0.1:26658 --power 2"),
            MsgUpdateValidatorSet { authority: me, validators: vec![
                ValidatorInfo { public_key: k0.clone(), p2p_address: "127.0.0.1:26656".into(), power: 2, name: "node0".into() },
                ValidatorInfo { public_key: k1.clone(), p2p_address: "127.0.0.1:26658".into(), power: 2, name: "node1".into() },
            ] }.into()),
        (format!("tx validators unjail {k0}"), MsgUnjailValidator { authority: me, public_key: k0.clone() }.into()),
    ];
    let mut covered = BTreeSet::new();
    for (line, expected) in &table {
        assert_eq!(&msg_of(line, me, bob), expected, "{line}");
        covered.insert(expected.type_url());
    }
    // Every message type of `Msg` has a command.
    assert_eq!(covered.len(), 61, "{covered:?}");
}

#[test]
fn tx_flags_parse_anywhere_and_bad_arguments_are_refused() {
    let ClientCommand::Tx(args) = parse(
        "tx --home /tmp/h restaking delegate-pool 5uatom --from alice --yes --gas 300000 --fees 3000uphx --memo hi --chain-id c1 --keyring-backend test -o json --node http://127.0.0.1:9 --broadcast-mode sync --dry-run",
    ) else {
        panic!()
    };
    assert_eq!(args.sign.from.as_deref(), Some("alice"));
    assert!(args.sign.yes && args.sign.dry_run);
    assert_eq!(args.sign.gas, 300_000);
    assert_eq!(args.sign.fees, Some(coins("3000uphx")));
    assert_eq!(args.sign.memo, "hi");
    assert_eq!(args.sign.chain_id.as_deref(), Some("c1"));
    assert_eq!(args.sign.broadcast_mode, BroadcastMode::Sync);
    assert_eq!(args.keyring.keyring_backend, Backend::Test);
    assert_eq!(args.output.output, OutputFormat::Json);
    assert_eq!(args.node.node, "http://127.0.0.1:9");
    assert_eq!(
        args.keyring.home.as_deref(),
        Some(std::path::Path::new("/tmp/h"))
    );

    // Defaults.
    let ClientCommand::Tx(d) = parse("tx restaking delegate-pool 5uatom") else {
        panic!()
    };
    assert_eq!(d.sign.gas, 200_000);
    assert_eq!(d.sign.fees, None);
    assert_eq!(d.keyring.keyring_backend, Backend::File);
    assert_eq!(d.node.node, "http://127.0.0.1:1317");
    assert_eq!(d.output.output, OutputFormat::Text);
    assert_eq!(d.sign.broadcast_mode, BroadcastMode::Commit);

    for bad in [
        "tx restaking delegate-pool 5",
        "tx restaking delegate-pool uatom",
        "tx restaking delegate-operator x 5uatom",
        "tx bank send",
        "tx operators set-params 1",
        "tx restaking set-user-preferences --trust x",
        "tx assets update-params --max-price-age 5",
        "tx restaking update-params --allowed-denoms U!",
        "tx nosuch thing",
        "tx slashing submit 4 half --infraction-time 2026-03-04T05:06:07Z --reason r",
        "tx slashing submit 4 0.1 --infraction-time yesterday --reason r",
        "tx slashing submit 4 0.1 --reason r",
        "tx slashing veto",
        "tx slashing update-params --rules-change-delay 72h --commission-change-delay 24h",
        "tx slashing set-rules 4 --slasher bob --max-incident-fraction 0.1 --max-window-fraction 0.1 --window 1h --veto-window 0s",
    ] {
        let args = std::iter::once("phalanxd").chain(bad.split_whitespace());
        assert!(Cli::try_parse_from(args).is_err(), "{bad}");
    }

    // Parsed, but refused when building: nothing to change, unknown names, zero ids.
    let me = key(1).address();
    let bob = key(2).address();
    for line in [
        "tx operators update 3",
        "tx services update 4",
        "tx assets update-params",
        "tx restaking update-params",
        "tx bank send nobody 5uatom",
        "tx slashing set-rules 4 --slasher nobody --max-incident-fraction 0.1 --max-window-fraction 0.1 --window 1h --veto-window 0s --destination burn",
        "tx slashing set-rules 4 --slasher bob --max-incident-fraction 0.1 --max-window-fraction 0.1 --window 1h --veto-window 0s --destination nobody",
    ] {
        let ClientCommand::Tx(args) = parse(line) else {
            panic!()
        };
        assert!(
            args.cmd
                .to_msg(&ctx(me, bob, args.cmd.params_module()))
                .is_err(),
            "{line}"
        );
    }
    let ClientCommand::Tx(args) = parse("tx restaking join-service 0 4") else {
        panic!()
    };
    let msg = args.cmd.to_msg(&ctx(me, bob, None)).unwrap();
    assert!(msg.validate_stateless().is_err());

    // A registration fee the chain requires must be offered explicitly.
    let ClientCommand::Tx(args) = parse("tx operators register Op") else {
        panic!()
    };
    let mut c = ctx(me, bob, Some("operators"));
    c.params = Some(ModuleParams::Operators(OperatorsParams {
        operator_registration_fee: coins("100uphx"),
        ..OperatorsParams::default()
    }));
    let err = args.cmd.to_msg(&c).unwrap_err().to_string();
    assert!(
        err.contains("100uphx") && err.contains("--fee-amount"),
        "{err}"
    );
}

#[test]
fn durations_parse_in_friendly_units() {
    assert_eq!(parse_duration("72h").unwrap(), Duration::from_hours(72));
    assert_eq!(parse_duration("3d").unwrap(), Duration::from_hours(72));
    assert_eq!(parse_duration("30m").unwrap(), Duration::from_secs(1800));
    assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
    assert_eq!(parse_duration("1.5s").unwrap(), Duration(1_500_000_000));
    for bad in ["", "h", "5", "-1h", "1.5h", "99999999999999999999d"] {
        assert!(parse_duration(bad).is_err(), "{bad}");
    }
}

#[test]
fn every_query_subcommand_maps_to_its_api_path() {
    let a = key(1).address();
    let table: Vec<(String, &str)> = vec![
        ("query status".into(), "/status"),
        (
            format!("query tx {}", "AB".repeat(32)),
            "/txs/ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB",
        ),
        ("query block 7".into(), "/blocks/7"),
        ("query block".into(), "/blocks/latest"),
        (
            format!("query bank balances {a}"),
            "/phalanx/bank/v1/balances/{a}",
        ),
        ("query bank supply".into(), "/phalanx/bank/v1/supply"),
        (
            "query bank supply uatom".into(),
            "/phalanx/bank/v1/supply/uatom",
        ),
        (
            format!("query auth account {a}"),
            "/phalanx/auth/v1/accounts/{a}",
        ),
        ("query assets assets".into(), "/phalanx/assets/v1/assets"),
        (
            "query assets asset uatom".into(),
            "/phalanx/assets/v1/assets/uatom",
        ),
        ("query assets prices".into(), "/phalanx/assets/v1/prices"),
        (
            "query assets price ATOM".into(),
            "/phalanx/assets/v1/prices/ATOM",
        ),
        ("query assets params".into(), "/phalanx/assets/v1/params"),
        ("query pools pools".into(), "/phalanx/pools/v1/pools"),
        ("query pools pool 1".into(), "/phalanx/pools/v1/pools/1"),
        (
            "query pools pool-by-denom uatom".into(),
            "/phalanx/pools/v1/pool/denom/uatom",
        ),
        (
            "query operators operators".into(),
            "/phalanx/operators/v1/operators",
        ),
        (
            "query operators operator 3".into(),
            "/phalanx/operators/v1/operators/3",
        ),
        (
            "query operators operator-params 3".into(),
            "/phalanx/operators/v1/operators/3/params",
        ),
        (
            "query operators params".into(),
            "/phalanx/operators/v1/params",
        ),
        (
            "query services services".into(),
            "/phalanx/services/v1/services",
        ),
        (
            "query services service 4".into(),
            "/phalanx/services/v1/services/4",
        ),
        (
            "query services service-params 4".into(),
            "/phalanx/services/v1/services/4/params",
        ),
        (
            "query services params".into(),
            "/phalanx/services/v1/params",
        ),
        (
            "query restaking operator-joined-services 3".into(),
            "/phalanx/restaking/v1/operators/3/joined_services",
        ),
        (
            "query restaking service-allowed-operators 4".into(),
            "/phalanx/restaking/v1/services/4/allowed_operators",
        ),
        (
            "query restaking service-securing-pools 4".into(),
            "/phalanx/restaking/v1/services/4/securing_pools",
        ),
        (
            "query restaking service-operators 4".into(),
            "/phalanx/restaking/v1/services/4/operators",
        ),
        (
            "query restaking pool-delegations 1".into(),
            "/phalanx/restaking/v1/pools/1/delegations",
        ),
        (
            format!("query restaking pool-delegation 1 {a}"),
            "/phalanx/restaking/v1/pools/1/delegations/{a}",
        ),
        (
            "query restaking pool-unbonding-delegations 1".into(),
            "/phalanx/restaking/v1/pools/1/unbonding_delegations",
        ),
        (
            format!("query restaking pool-unbonding-delegation 1 {a}"),
            "/phalanx/restaking/v1/pools/1/unbonding_delegations/{a}",
        ),
        (
            "query restaking operator-delegations 3".into(),
            "/phalanx/restaking/v1/operators/3/delegations",
        ),
        (
            format!("query restaking operator-delegation 3 {a}"),
            "/phalanx/restaking/v1/operators/3/delegations/{a}",
        ),
        (
            "query restaking operator-unbonding-delegations 3".into(),
            "/phalanx/restaking/v1/operators/3/unbonding_delegations",
        ),
        (
            format!("query restaking operator-unbonding-delegation 3 {a}"),
            "/phalanx/restaking/v1/operators/3/unbonding_delegations/{a}",
        ),
        (
            "query restaking service-delegations 4".into(),
            "/phalanx/restaking/v1/services/4/delegations",
        ),
        (
            format!("query restaking service-delegation 4 {a}"),
            "/phalanx/restaking/v1/services/4/delegations/{a}",
        ),
        (
            "query restaking service-unbonding-delegations 4".into(),
            "/phalanx/restaking/v1/services/4/unbonding_delegations",
        ),
        (
            format!("query restaking service-unbonding-delegation 4 {a}"),
            "/phalanx/restaking/v1/services/4/unbonding_delegations/{a}",
        ),
        (
            format!("query restaking delegator-pool-delegations {a}"),
            "/phalanx/restaking/v1/delegations/{a}/pools",
        ),
        (
            format!("query restaking delegator-pool-unbonding-delegations {a}"),
            "/phalanx/restaking/v1/delegations/{a}/unbonding_pools",
        ),
        (
            format!("query restaking delegator-operator-delegations {a}"),
            "/phalanx/restaking/v1/delegations/{a}/operators",
        ),
        (
            format!("query restaking delegator-operator-unbonding-delegations {a}"),
            "/phalanx/restaking/v1/delegations/{a}/unbonding_operators",
        ),
        (
            format!("query restaking delegator-service-delegations {a}"),
            "/phalanx/restaking/v1/delegations/{a}/services",
        ),
        (
            format!("query restaking delegator-service-unbonding-delegations {a}"),
            "/phalanx/restaking/v1/delegations/{a}/unbonding_services",
        ),
        (
            format!("query restaking delegator-pools {a}"),
            "/phalanx/restaking/v1/delegators/{a}/pools",
        ),
        (
            format!("query restaking delegator-pool {a} 1"),
            "/phalanx/restaking/v1/delegators/{a}/pools/1",
        ),
        (
            format!("query restaking delegator-operators {a}"),
            "/phalanx/restaking/v1/delegators/{a}/operators",
        ),
        (
            format!("query restaking delegator-operator {a} 3"),
            "/phalanx/restaking/v1/delegators/{a}/operators/3",
        ),
        (
            format!("query restaking delegator-services {a}"),
            "/phalanx/restaking/v1/delegators/{a}/services",
        ),
        (
            format!("query restaking delegator-service {a} 4"),
            "/phalanx/restaking/v1/delegators/{a}/services/4",
        ),
        (
            format!("query restaking user-preferences {a}"),
            "/phalanx/restaking/v1/users/{a}/preferences",
        ),
        (
            "query restaking params".into(),
            "/phalanx/restaking/v1/params",
        ),
        (
            "query slashing params".into(),
            "/phalanx/slashing/v1/params",
        ),
        (
            "query slashing rules 3".into(),
            "/phalanx/slashing/v1/services/3/rules",
        ),
        (
            "query slashing slash 7".into(),
            "/phalanx/slashing/v1/slashes/7",
        ),
        (
            "query slashing slashes".into(),
            "/phalanx/slashing/v1/slashes",
        ),
        (
            "query slashing pending".into(),
            "/phalanx/slashing/v1/pending_slashes",
        ),
        (
            format!("query slashing exposure {a}"),
            "/phalanx/slashing/v1/exposure/{a}",
        ),
        (
            "query slashing pending-commission 2".into(),
            "/phalanx/slashing/v1/operators/2/pending_commission",
        ),
        (
            "query tokenfactory params".into(),
            "/phalanx/tokenfactory/v1/params",
        ),
        (
            format!("query tokenfactory denoms-from-creator {a}"),
            "/phalanx/tokenfactory/v1/denoms_from_creator/{a}",
        ),
        (
            format!("query tokenfactory denom-authority-metadata factory/{a}/gold"),
            "/phalanx/tokenfactory/v1/authority_metadata/factory/{a}/gold",
        ),
        (
            format!("query tokenfactory denom-metadata factory/{a}/gold"),
            "/phalanx/tokenfactory/v1/denom_metadata/factory/{a}/gold",
        ),
    ];
    for (line, path) in &table {
        let ClientCommand::Query(args) = parse(line) else {
            panic!("{line}")
        };
        let q = args
            .cmd
            .request(&AddressesOnly)
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(q.path, path.replace("{a}", &a.to_string()), "{line}");
    }

    // Paging and filters become query-string parameters.
    let ClientCommand::Query(args) =
        parse("q assets assets --ticker ATOM --limit 5 --page-key AAE=")
    else {
        panic!()
    };
    let q = args.cmd.request(&AddressesOnly).unwrap();
    assert_eq!(
        q.params,
        vec![
            ("pagination.key", "AAE=".to_string()),
            ("pagination.limit", "5".to_string()),
            ("ticker", "ATOM".to_string())
        ]
    );
    // A simulated slash: both flags become query-string parameters.
    let ClientCommand::Query(args) = parse(&format!(
        "query slashing exposure {a} --service 3 --fraction 0.1"
    )) else {
        panic!()
    };
    let q = args.cmd.request(&AddressesOnly).unwrap();
    assert_eq!(q.path, format!("/phalanx/slashing/v1/exposure/{a}"));
    assert_eq!(
        q.params,
        vec![
            ("service", "3".to_string()),
            ("fraction", "0.100000000000000000".to_string())
        ]
    );
    let ClientCommand::Query(args) = parse("query slashing slashes --limit 2") else {
        panic!()
    };
    let q = args.cmd.request(&AddressesOnly).unwrap();
    assert_eq!(q.params, vec![("pagination.limit", "2".to_string())]);
    for bad in [
        format!("query slashing exposure {a} --service 3"),
        format!("query slashing exposure {a} --fraction 0.1"),
        format!("query slashing exposure {a} --service 3 --fraction half"),
        "query slashing slash x".to_string(),
        "query slashing rules".to_string(),
    ] {
        let args = std::iter::once("phalanxd").chain(bad.split_whitespace());
        assert!(Cli::try_parse_from(args).is_err(), "{bad}");
    }
    for bad in [
        "query slashing exposure nobody",
        "query tx abc",
        "query block 0",
        "query block x",
        "query bank balances nobody",
    ] {
        let ClientCommand::Query(args) = parse(bad) else {
            panic!()
        };
        assert!(args.cmd.request(&AddressesOnly).is_err(), "{bad}");
    }
}

#[test]
fn query_address_arguments_may_name_keys() {
    let home = tempfile::tempdir().unwrap();
    let kr = Keyring::open(home.path(), Backend::Test);
    let alice = kr.add("alice", &key(1), None, None).unwrap();
    let ClientCommand::Query(args) = parse("query bank balances alice") else {
        panic!()
    };
    let q = args.cmd.request(&kr).unwrap();
    assert_eq!(
        q.path,
        format!("/phalanx/bank/v1/balances/{}", alice.address)
    );
    let ClientCommand::Query(args) = parse("query bank balances mallory") else {
        panic!()
    };
    let err = args.cmd.request(&kr).unwrap_err().to_string();
    assert!(err.contains("neither"), "{err}");
}

#[test]
fn keys_commands_parse() {
    let ClientCommand::Keys(k) = parse("keys list --home /tmp/x --keyring-backend test -o json")
    else {
        panic!()
    };
    assert_eq!(k.keyring.keyring_backend, Backend::Test);
    assert_eq!(k.output.output, OutputFormat::Json);
    for line in [
        "keys add alice",
        "keys add alice --recover --hd-path m/44'/118'/1'/0/0",
        "keys show alice -a",
        "keys delete alice --yes",
        "keys export alice",
        "keys export alice --unarmored-hex --unsafe",
        "keys import alice key.txt",
        "keys ls",
    ] {
        let _ = parse(line);
    }
    let unsafe_missing = ["phalanxd", "keys", "export", "alice", "--unarmored-hex"];
    assert!(Cli::try_parse_from(unsafe_missing).is_err());
}
