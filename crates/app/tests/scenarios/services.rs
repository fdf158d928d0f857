//! Services end to end: creation (and its fee), metadata, the CREATED → ACTIVE ⇄ INACTIVE lifecycle,
//! deletion, own params (accepted denoms), ownership transfer, accreditation, module params and queries.

use crate::harness::*;
use phalanx_app::{MsgResponse, TxResult};
use phalanx_protocol::bank;
use phalanx_protocol::restaking::{self, TargetRef};
use phalanx_protocol::services::{self, Service, ServiceStatus};
use phalanx_protocol::store::PageRequest;
use phalanx_types::msgs::*;
use phalanx_types::{DecCoins, Duration, Event, ServiceId};

fn create_msg(who: &str, name: &str, fee: &str) -> MsgCreateService {
    MsgCreateService {
        sender: addr(who),
        name: name.into(),
        description: format!("{name} secures things"),
        website: format!("https://{name}.example"),
        picture_url: String::new(),
        fee_amount: coins(fee),
    }
}

fn create(chain: &mut Chain, who: &str, name: &str) -> ServiceId {
    match chain.ok(create_msg(who, name, "")) {
        MsgResponse::NewServiceId(id) => id,
        other => panic!("unexpected response {other:?}"),
    }
}

/// Creates and activates a service owned by `who`.
fn create_active(chain: &mut Chain, who: &str, name: &str) -> ServiceId {
    let id = create(chain, who, name);
    chain.ok(activate(id, who));
    id
}

/// Executes `msg` in a transaction of its own signer and returns the (successful) result with events.
fn exec(chain: &mut Chain, msg: impl Into<Msg>) -> TxResult {
    let msg = msg.into();
    let r = chain.tx(msg.signer(), vec![msg.clone()]);
    assert!(r.is_ok(), "{} failed: {}", msg.type_url(), r.log);
    r
}

fn event<'a>(events: &'a [Event], kind: &str) -> &'a Event {
    events
        .iter()
        .find(|e| e.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} event in {events:?}"))
}

/// Asserts an admin event `{service_id, sender}`.
fn assert_admin_event(r: &TxResult, kind: &str, id: ServiceId, who: &str) {
    let e = event(&r.events, kind);
    assert_eq!(e.get("service_id"), Some(id.to_string().as_str()));
    assert_eq!(e.get("sender"), Some(addr(who).to_string().as_str()));
}

fn svc(chain: &Chain, id: ServiceId) -> Service {
    services::service(&chain.state, id)
        .expect("readable")
        .expect("service exists")
}

fn status(chain: &Chain, id: ServiceId) -> ServiceStatus {
    svc(chain, id).status
}

fn activate(id: ServiceId, who: &str) -> MsgActivateService {
    MsgActivateService {
        sender: addr(who),
        service_id: id,
    }
}

fn deactivate(id: ServiceId, who: &str) -> MsgDeactivateService {
    MsgDeactivateService {
        sender: addr(who),
        service_id: id,
    }
}

fn delete(id: ServiceId, who: &str) -> MsgDeleteService {
    MsgDeleteService {
        sender: addr(who),
        service_id: id,
    }
}

fn transfer(id: ServiceId, who: &str, to: &str) -> MsgTransferServiceOwnership {
    MsgTransferServiceOwnership {
        sender: addr(who),
        service_id: id,
        new_admin: addr(to),
    }
}

fn set_denoms(id: ServiceId, who: &str, denoms: &[&str]) -> MsgSetServiceParams {
    MsgSetServiceParams {
        sender: addr(who),
        service_id: id,
        service_params: ServiceParams {
            allowed_denoms: denoms.iter().map(|d| d.to_string()).collect(),
        },
    }
}

fn rename(id: ServiceId, who: &str, name: &str) -> MsgUpdateService {
    MsgUpdateService {
        sender: addr(who),
        service_id: id,
        name: Some(name.into()),
        description: None,
        website: None,
        picture_url: None,
    }
}

fn delegate(id: ServiceId, who: &str, amount: &str) -> MsgDelegateService {
    MsgDelegateService {
        delegator: addr(who),
        service_id: id,
        amount: coins(amount),
    }
}

fn undelegate(id: ServiceId, who: &str, amount: &str) -> MsgUndelegateService {
    MsgUndelegateService {
        delegator: addr(who),
        service_id: id,
        amount: coins(amount),
    }
}

fn accredit(id: ServiceId) -> MsgAccreditService {
    MsgAccreditService {
        authority: authority(),
        service_id: id,
    }
}

fn revoke(id: ServiceId) -> MsgRevokeServiceAccreditation {
    MsgRevokeServiceAccreditation {
        authority: authority(),
        service_id: id,
    }
}

fn update_params(fee: &str) -> MsgUpdateServicesParams {
    MsgUpdateServicesParams {
        authority: authority(),
        params: ServicesParams {
            service_registration_fee: coins(fee),
        },
    }
}

fn ids(list: &[Service]) -> Vec<u32> {
    list.iter().map(|s| s.id.0).collect()
}

#[test]
fn create_service_stores_a_created_service_and_emits_its_id() {
    let mut chain = Chain::new();
    let r = exec(&mut chain, create_msg("alice", "oracle", ""));
    assert_eq!(r.responses, vec![MsgResponse::NewServiceId(ServiceId(1))]);
    assert_admin_event(&r, "create_service", ServiceId(1), "alice");

    let s = svc(&chain, ServiceId(1));
    assert_eq!(s.id, ServiceId(1));
    assert_eq!(s.status, ServiceStatus::Created);
    assert_eq!(s.admin, addr("alice"));
    assert_eq!(s.name, "oracle");
    assert_eq!(s.description, "oracle secures things");
    assert_eq!(s.website, "https://oracle.example");
    assert_eq!(s.picture_url, "");
    assert_eq!(s.address, services::custody_address(ServiceId(1)));
    assert!(s.tokens.is_empty());
    assert!(s.delegator_shares.is_empty());
    assert!(!s.accredited);
    assert_eq!(
        services::service_params(&chain.state, ServiceId(1)).unwrap(),
        ServiceParams::default()
    );

    // Sequential ids; no fee param means nothing is charged even when offered.
    let before = chain.balance(&addr("bob"), "uphx");
    assert_eq!(
        chain.ok(create_msg("bob", "bridge", "100uphx")),
        MsgResponse::NewServiceId(ServiceId(2))
    );
    assert_eq!(chain.balance(&addr("bob"), "uphx"), before);
    assert_eq!(chain.balance(&bank::community_pool(), "uphx"), 0);
    chain.check_invariants();
}

#[test]
fn create_service_rejects_blank_or_oversized_text_and_foreign_signers() {
    let mut chain = Chain::new();
    for name in ["", "  ", "\n"] {
        assert_code(&chain.err(create_msg("alice", name, "")), "sdk", 18);
    }
    let mut long_name = create_msg("alice", "x", "");
    long_name.name = "n".repeat(MAX_TEXT_LEN + 1);
    assert_code(&chain.err(long_name), "sdk", 18);
    let mut long_description = create_msg("alice", "x", "");
    long_description.description = "d".repeat(MAX_DESCRIPTION_LEN + 1);
    assert_code(&chain.err(long_description), "sdk", 18);
    let mut long_site = create_msg("alice", "x", "");
    long_site.website = "w".repeat(MAX_TEXT_LEN + 1);
    assert_code(&chain.err(long_site), "sdk", 18);
    let mut long_picture = create_msg("alice", "x", "");
    long_picture.picture_url = "p".repeat(MAX_TEXT_LEN + 1);
    assert_code(&chain.err(long_picture), "sdk", 18);
    assert_code(
        &chain.err_as(addr("bob"), create_msg("alice", "x", "")),
        "sdk",
        4,
    );
    // The longest description allowed is fine, and no id was consumed by the failures.
    let mut max = create_msg("alice", "x", "");
    max.description = "d".repeat(MAX_DESCRIPTION_LEN);
    assert_eq!(chain.ok(max), MsgResponse::NewServiceId(ServiceId(1)));
}

#[test]
fn registration_fee_is_charged_in_full_to_the_community_pool() {
    let mut chain = Chain::new();
    let pool = bank::community_pool();
    let mut not_authority = update_params("50uphx,2ubtc");
    not_authority.authority = addr("alice");
    assert_code(&chain.err(not_authority), "sdk", 4);
    assert_code(
        &chain.err_as(addr("alice"), update_params("50uphx,2ubtc")),
        "sdk",
        4,
    );
    let r = exec(&mut chain, update_params("50uphx,2ubtc"));
    assert_eq!(
        event(&r.events, "update_params").get("module"),
        Some("services")
    );
    assert_eq!(
        services::params(&chain.state)
            .unwrap()
            .service_registration_fee,
        coins("50uphx,2ubtc")
    );

    for offer in ["", "49uphx", "1ubtc,49uphx", "1000uatom"] {
        assert_code(&chain.err(create_msg("alice", "svc", offer)), "services", 9);
    }
    assert_code(
        &chain.err(create_msg("alice", "svc", &format!("{}uphx", FUNDS + 1))),
        "bank",
        1,
    );

    let r = exec(&mut chain, create_msg("alice", "svc", "50uphx,3utia"));
    assert_eq!(r.responses, vec![MsgResponse::NewServiceId(ServiceId(1))]);
    assert_eq!(
        event(&r.events, "transfer").get("amount"),
        Some("50uphx,3utia")
    );
    assert_eq!(chain.balance(&pool, "uphx"), 50);
    assert_eq!(chain.balance(&pool, "utia"), 3);
    assert_eq!(chain.balance(&addr("alice"), "uphx"), FUNDS - 50);
    assert_eq!(chain.balance(&addr("alice"), "utia"), FUNDS - 3);
    chain.ok(create_msg("bob", "svc2", "2ubtc"));
    assert_eq!(chain.balance(&pool, "ubtc"), 2);

    // Clearing the fee makes creation free again.
    chain.ok(update_params(""));
    chain.ok(create_msg("carol", "svc3", ""));
    assert_eq!(chain.balance(&pool, "uphx"), 50);
    chain.check_invariants();
}

#[test]
fn update_service_changes_only_the_given_fields() {
    let mut chain = Chain::new();
    let id = create(&mut chain, "alice", "oracle");
    let r = exec(
        &mut chain,
        MsgUpdateService {
            sender: addr("alice"),
            service_id: id,
            name: None,
            description: Some("new description".into()),
            website: None,
            picture_url: Some("https://p.example/x.png".into()),
        },
    );
    assert_admin_event(&r, "update_service", id, "alice");
    let s = svc(&chain, id);
    assert_eq!(s.name, "oracle");
    assert_eq!(s.description, "new description");
    assert_eq!(s.website, "https://oracle.example");
    assert_eq!(s.picture_url, "https://p.example/x.png");
    assert_eq!(s.status, ServiceStatus::Created);

    chain.ok(rename(id, "alice", "oracle-v2"));
    assert_eq!(svc(&chain, id).name, "oracle-v2");
    assert_code(&chain.err(rename(id, "alice", " ")), "sdk", 18);
    assert_code(
        &chain.err(rename(id, "alice", &"n".repeat(MAX_TEXT_LEN + 1))),
        "sdk",
        18,
    );
    let mut long = rename(id, "alice", "ok");
    long.description = Some("d".repeat(MAX_DESCRIPTION_LEN + 1));
    assert_code(&chain.err(long), "sdk", 18);
    assert_code(&chain.err(rename(id, "bob", "hijacked")), "sdk", 4);
    assert_code(
        &chain.err_as(addr("bob"), rename(id, "alice", "x")),
        "sdk",
        4,
    );
    assert_code(
        &chain.err(rename(ServiceId(9), "alice", "x")),
        "services",
        100,
    );
    assert_code(&chain.err(rename(ServiceId(0), "alice", "x")), "sdk", 18);
    assert_eq!(svc(&chain, id).name, "oracle-v2");
}

#[test]
fn service_lifecycle_activate_deactivate_reactivate_delete() {
    let mut chain = Chain::new();
    let id = create(&mut chain, "alice", "oracle");

    // CREATED: not active, so it cannot be deactivated or take stake; it can be activated.
    assert_code(&chain.err(deactivate(id, "alice")), "services", 4);
    assert_code(&chain.err(delegate(id, "bob", "10uatom")), "services", 4);
    let r = exec(&mut chain, activate(id, "alice"));
    assert_admin_event(&r, "activate_service", id, "alice");
    assert_eq!(status(&chain, id), ServiceStatus::Active);

    // ACTIVE: cannot be activated again or deleted.
    assert_code(&chain.err(activate(id, "alice")), "services", 3);
    assert_code(&chain.err(delete(id, "alice")), "services", 5);
    chain.ok(delegate(id, "bob", "10uatom"));

    // INACTIVE: no new stake, existing stake stays and can leave; can be activated again.
    let r = exec(&mut chain, deactivate(id, "alice"));
    assert_admin_event(&r, "deactivate_service", id, "alice");
    assert_eq!(status(&chain, id), ServiceStatus::Inactive);
    assert_eq!(svc(&chain, id).tokens, coins("10uatom"));
    assert_code(&chain.err(deactivate(id, "alice")), "services", 4);
    assert_code(&chain.err(delegate(id, "bob", "10uatom")), "services", 4);
    chain.ok(undelegate(id, "bob", "10uatom"));
    chain.ok(activate(id, "alice"));
    assert_eq!(status(&chain, id), ServiceStatus::Active);
    chain.ok(deactivate(id, "alice"));
    chain.advance(Duration::from_hours(72));

    // Deletion of a non-ACTIVE service without stake.
    chain.ok(set_denoms(id, "alice", &["uatom"]));
    let r = exec(&mut chain, delete(id, "alice"));
    assert_admin_event(&r, "delete_service", id, "alice");
    assert!(services::service(&chain.state, id).unwrap().is_none());
    let gone = services::service_params(&chain.state, id).unwrap_err();
    assert_eq!((gone.code().codespace, gone.code().code), ("services", 100));
    assert!(
        services::export_genesis(&chain.state)
            .unwrap()
            .services_params
            .is_empty(),
        "the params record goes with the service"
    );
    assert_code(&chain.err(delete(id, "alice")), "services", 100);
    assert_code(&chain.err(activate(id, "alice")), "services", 100);
    assert_code(&chain.err(delegate(id, "bob", "1uatom")), "services", 100);

    // A CREATED service can be deleted straight away; ids are never reused.
    let fresh = create(&mut chain, "alice", "fresh");
    assert_eq!(fresh, ServiceId(2));
    chain.ok(delete(fresh, "alice"));
    assert_eq!(create(&mut chain, "alice", "third"), ServiceId(3));
    chain.check_invariants();
}

#[test]
fn deleting_a_service_with_stake_fails_until_the_stake_is_gone() {
    let mut chain = Chain::new();
    let id = create_active(&mut chain, "alice", "oracle");
    chain.ok(delegate(id, "bob", "700uatom,9ubtc"));
    chain.ok(deactivate(id, "alice"));
    assert_code(&chain.err(delete(id, "alice")), "services", 6);
    chain.ok(undelegate(id, "bob", "700uatom,9ubtc"));
    assert!(svc(&chain, id).delegator_shares.is_empty());
    assert!(restaking::has_unbondings(&chain.state, TargetRef::service(id)).unwrap());
    assert_code(&chain.err(delete(id, "alice")), "services", 6);
    chain.advance(Duration::from_hours(72));
    assert_eq!(chain.balance(&addr("bob"), "uatom"), FUNDS);
    assert_eq!(chain.balance(&addr("bob"), "ubtc"), FUNDS);
    chain.ok(delete(id, "alice"));
    assert!(services::service(&chain.state, id).unwrap().is_none());
    chain.check_invariants();
}

#[test]
fn admin_messages_require_the_admin_and_an_existing_service() {
    let mut chain = Chain::new();
    let id = create(&mut chain, "alice", "oracle");

    assert_code(&chain.err(activate(id, "bob")), "sdk", 4);
    assert_code(&chain.err(set_denoms(id, "bob", &["uatom"])), "sdk", 4);
    assert_code(&chain.err(transfer(id, "bob", "bob")), "sdk", 4);
    assert_code(&chain.err(delete(id, "bob")), "sdk", 4);
    assert_code(&chain.err_as(addr("bob"), activate(id, "alice")), "sdk", 4);
    assert_code(&chain.err_as(addr("bob"), delete(id, "alice")), "sdk", 4);
    assert_code(
        &chain.err_as(addr("bob"), transfer(id, "alice", "bob")),
        "sdk",
        4,
    );
    assert_code(
        &chain.err_as(addr("bob"), set_denoms(id, "alice", &["uatom"])),
        "sdk",
        4,
    );
    chain.ok(activate(id, "alice"));
    assert_code(&chain.err(deactivate(id, "bob")), "sdk", 4);
    assert_code(
        &chain.err_as(addr("bob"), deactivate(id, "alice")),
        "sdk",
        4,
    );

    let ghost = ServiceId(77);
    assert_code(&chain.err(activate(ghost, "alice")), "services", 100);
    assert_code(&chain.err(deactivate(ghost, "alice")), "services", 100);
    assert_code(&chain.err(delete(ghost, "alice")), "services", 100);
    assert_code(&chain.err(transfer(ghost, "alice", "bob")), "services", 100);
    assert_code(
        &chain.err(set_denoms(ghost, "alice", &["uatom"])),
        "services",
        100,
    );

    let zero = ServiceId(0);
    assert_code(&chain.err(activate(zero, "alice")), "sdk", 18);
    assert_code(&chain.err(deactivate(zero, "alice")), "sdk", 18);
    assert_code(&chain.err(delete(zero, "alice")), "sdk", 18);
    assert_code(&chain.err(transfer(zero, "alice", "bob")), "sdk", 18);
    assert_code(&chain.err(set_denoms(zero, "alice", &["uatom"])), "sdk", 18);

    assert_eq!(status(&chain, id), ServiceStatus::Active);
    assert_eq!(svc(&chain, id).admin, addr("alice"));
}

#[test]
fn transfer_service_ownership_hands_over_admin_rights() {
    let mut chain = Chain::new();
    let id = create(&mut chain, "alice", "oracle");
    let r = exec(&mut chain, transfer(id, "alice", "bob"));
    let e = event(&r.events, "transfer_service_ownership");
    assert_eq!(e.get("service_id"), Some("1"));
    assert_eq!(e.get("new_admin"), Some(addr("bob").to_string().as_str()));
    assert_eq!(e.get("sender"), Some(addr("alice").to_string().as_str()));
    assert_eq!(svc(&chain, id).admin, addr("bob"));

    assert_code(&chain.err(activate(id, "alice")), "sdk", 4);
    assert_code(&chain.err(transfer(id, "alice", "alice")), "sdk", 4);
    chain.ok(activate(id, "bob"));
    chain.ok(rename(id, "bob", "bobs-oracle"));
    chain.ok(deactivate(id, "bob"));
    chain.ok(delete(id, "bob"));
}

#[test]
fn service_params_limit_the_denoms_it_accepts() {
    let mut chain = Chain::new();
    let id = create_active(&mut chain, "alice", "oracle");
    let r = exec(&mut chain, set_denoms(id, "alice", &["uatom", "utia"]));
    assert_admin_event(&r, "set_service_params", id, "alice");
    assert_eq!(
        services::service_params(&chain.state, id).unwrap(),
        ServiceParams {
            allowed_denoms: vec!["uatom".into(), "utia".into()],
        }
    );
    chain.ok(delegate(id, "bob", "5uatom,5utia"));
    assert_code(&chain.err(delegate(id, "bob", "5ubtc")), "restaking", 14);
    assert_code(
        &chain.err(delegate(id, "bob", "5uatom,5ubtc")),
        "restaking",
        14,
    );

    // Invalid denoms and duplicates are refused before state is read; the old params stay.
    assert_code(
        &chain.err(set_denoms(id, "alice", &["1bad"])),
        "services",
        7,
    );
    assert_code(&chain.err(set_denoms(id, "alice", &["ab"])), "services", 7);
    assert_code(
        &chain.err(set_denoms(id, "alice", &["uatom", "uatom"])),
        "services",
        7,
    );
    assert_eq!(
        services::service_params(&chain.state, id)
            .unwrap()
            .allowed_denoms,
        vec!["uatom".to_string(), "utia".to_string()]
    );

    // An empty list lifts the service-level limit; params may be set in any status.
    chain.ok(set_denoms(id, "alice", &[]));
    chain.ok(delegate(id, "bob", "5ubtc"));
    chain.ok(deactivate(id, "alice"));
    chain.ok(set_denoms(id, "alice", &["ubtc"]));
    assert_eq!(
        services::service_params(&chain.state, id)
            .unwrap()
            .allowed_denoms,
        vec!["ubtc".to_string()]
    );
    chain.check_invariants();
}

#[test]
fn accreditation_is_set_and_revoked_by_the_authority_only() {
    let mut chain = Chain::new();
    let id = create(&mut chain, "alice", "oracle");

    let mut not_authority = accredit(id);
    not_authority.authority = addr("alice");
    assert_code(&chain.err(not_authority), "sdk", 4);
    assert_code(&chain.err_as(addr("alice"), accredit(id)), "sdk", 4);
    let mut not_authority = revoke(id);
    not_authority.authority = addr("alice");
    assert_code(&chain.err(not_authority), "sdk", 4);
    assert_code(&chain.err(accredit(ServiceId(5))), "services", 100);
    assert_code(&chain.err(revoke(ServiceId(5))), "services", 100);
    assert_code(&chain.err(accredit(ServiceId(0))), "sdk", 18);
    assert_code(&chain.err(revoke(ServiceId(0))), "sdk", 18);
    assert!(!svc(&chain, id).accredited);

    let r = exec(&mut chain, accredit(id));
    assert_eq!(
        event(&r.events, "accredit_service").get("service_id"),
        Some("1")
    );
    assert!(svc(&chain, id).accredited);
    // Accrediting twice is a no-op that still succeeds.
    let before = svc(&chain, id);
    chain.ok(accredit(id));
    assert_eq!(svc(&chain, id), before);

    let r = exec(&mut chain, revoke(id));
    assert_eq!(
        event(&r.events, "revoke_service_accreditation").get("service_id"),
        Some("1")
    );
    assert!(!svc(&chain, id).accredited);
    chain.ok(revoke(id));
    assert!(!svc(&chain, id).accredited);
    // Accreditation does not change the lifecycle.
    assert_eq!(status(&chain, id), ServiceStatus::Created);
}

#[test]
fn services_query_paginates_in_id_order() {
    let mut chain = Chain::new();
    for i in 1..=7u32 {
        assert_eq!(create(&mut chain, "bob", &format!("svc-{i}")), ServiceId(i));
    }
    let mut page = PageRequest {
        key: None,
        limit: Some(3),
    };
    let mut pages = Vec::new();
    loop {
        let (list, next) = services::services(&chain.state, &page).unwrap();
        pages.push(ids(&list));
        match next.next_key {
            Some(k) => page.key = Some(k),
            None => break,
        }
    }
    assert_eq!(pages, vec![vec![1, 2, 3], vec![4, 5, 6], vec![7]]);
    let (all, next) = services::services(&chain.state, &PageRequest::default()).unwrap();
    assert_eq!(ids(&all), (1..=7).collect::<Vec<_>>());
    assert_eq!(next.next_key, None);
    assert_eq!(services::all_services(&chain.state).unwrap(), all);

    // A deleted service disappears from the listing.
    chain.ok(delete(ServiceId(4), "bob"));
    let (all, _) = services::services(&chain.state, &PageRequest::default()).unwrap();
    assert_eq!(ids(&all), vec![1, 2, 3, 5, 6, 7]);
    assert!(
        services::service(&chain.state, ServiceId(8))
            .unwrap()
            .is_none()
    );
    let err = services::must_service(&chain.state, ServiceId(4)).unwrap_err();
    assert_eq!((err.code().codespace, err.code().code), ("services", 100));
}

#[test]
fn q1_update_service_keeps_stake() {
    let mut chain = Chain::new();
    let id = create_active(&mut chain, "alice", "oracle");
    chain.ok(delegate(id, "bob", "800uatom,4ubtc"));
    let before = svc(&chain, id);
    assert_eq!(before.tokens, coins("800uatom,4ubtc"));
    assert_eq!(
        before.delegator_shares,
        DecCoins::from_coins(&coins("800uatom,4ubtc"))
    );
    chain.ok(accredit(id));

    chain.ok(MsgUpdateService {
        sender: addr("alice"),
        service_id: id,
        name: Some("renamed".into()),
        description: Some("new".into()),
        website: Some("https://new.example".into()),
        picture_url: Some("https://new.example/p.png".into()),
    });
    let after = svc(&chain, id);
    assert_eq!(after.name, "renamed");
    assert_eq!(after.tokens, before.tokens);
    assert_eq!(after.delegator_shares, before.delegator_shares);
    assert_eq!(after.status, ServiceStatus::Active);
    assert!(after.accredited, "accreditation survives an update");
    let d = restaking::target_delegation(&chain.state, TargetRef::service(id), &addr("bob"))
        .unwrap()
        .expect("delegation kept");
    assert_eq!(d.balance, coins("800uatom,4ubtc"));

    let r = chain.ok(delegate(id, "carol", "200uatom"));
    assert_eq!(
        r,
        MsgResponse::NewShares(DecCoins::from_coins(&coins("200uatom")))
    );
    chain.ok(undelegate(id, "bob", "800uatom,4ubtc"));
    assert_eq!(svc(&chain, id).tokens, coins("200uatom"));
    chain.advance(Duration::from_hours(72));
    assert_eq!(chain.balance(&addr("bob"), "uatom"), FUNDS);
    assert_eq!(chain.balance(&addr("bob"), "ubtc"), FUNDS);
    chain.check_invariants();
}
