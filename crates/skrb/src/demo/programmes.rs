//! Extra programmes for the demo, made through the context's own use cases (as a worker
//! would): Trebinje's four programmes of the year (food parcels per household member,
//! firewood vouchers redeemed at the Red Cross, school supplies per child, places at the
//! summer camp) with their funding, partners, lists approved by a second person and
//! handing over; Velenje's committee for citizens in severe distress with proposals, a
//! session and its decisions (the aid is paid by the next run, one proposal warns of aid
//! from another municipality); a community action in each centre.

use skrb_kit::audit::Actor;
use skrb_kit::db::Db;
use skrb_kit::sql_pool;
use skrb_programmes::{actions, committee, distributions, lists, programmes, vouchers};
use time::{Date, Month};

/// Handing over recorded per programme at most (the rest shows as not collected).
const HANDED: usize = 120;

async fn who(db: &Db, centre: &str, user: &str) -> anyhow::Result<Actor> {
    skrb_kit::centre::cli_actor(db, &Some(centre.into()), &Some(user.into()), "demo").await
}

fn day(y: i32, m: Month, d: u8) -> anyhow::Result<Date> {
    Ok(Date::from_calendar_date(y, m, d)?)
}

fn form(pairs: &[(&str, String)]) -> anyhow::Result<programmes::ProgrammeForm> {
    let map: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone())))
        .collect();
    Ok(serde_json::from_value(serde_json::Value::Object(map))?)
}

async fn partner(db: &Db, centre: i64, kind: &str, name_part: &str) -> anyhow::Result<Option<i64>> {
    Ok(sql_pool!(db, p => sqlx::query_scalar(
        "SELECT MIN(id) FROM partner WHERE centre_id = $1 AND kind = $2 AND name LIKE $3")
        .bind(centre).bind(kind).bind(format!("%{name_part}%")).fetch_one(p).await?))
}

pub async fn generate(db: &Db, today: Date) -> anyhow::Result<usize> {
    let mut made = 0;
    let centres: Vec<(i64, String)> = sql_pool!(db, p => sqlx::query_as("SELECT id, code FROM centre WHERE code IN ('csr-trebinje', 'csd-velenje')").fetch_all(p).await?);
    for (id, code) in centres {
        if code == "csr-trebinje" {
            made += trebinje(db, id, today).await?;
        } else {
            made += velenje(db, id, today).await?;
        }
    }
    Ok(made)
}

/// A programme created, funded to cover its list, with partners, evaluated, approved by
/// a second person; returns its id.
struct Plan<'a> {
    fields: Vec<(&'a str, String)>,
    partners: Vec<(Option<i64>, &'a str)>,
    sources: [&'a str; 2],
    /// Persons the worker adds by hand (the rule does not find them).
    by_hand: Vec<i64>,
}

async fn run_plan(
    db: &Db,
    worker: &Actor,
    head: &Actor,
    plan: Plan<'_>,
    on: Date,
) -> anyhow::Result<i64> {
    let id = programmes::create(db, worker, &form(&plan.fields)?)
        .await
        .map_err(anyhow::Error::msg)?;
    for (p, role) in &plan.partners {
        if let Some(p) = p {
            let f: programmes::PartnerForm = serde_json::from_value(
                serde_json::json!({ "partner_id": p.to_string(), "role": role }),
            )?;
            programmes::add_partner(db, worker, id, &f)
                .await
                .map_err(anyhow::Error::msg)?;
        }
    }
    lists::evaluate(db, worker, id, on)
        .await
        .map_err(anyhow::Error::msg)?;
    for p in &plan.by_hand {
        let f: lists::AddForm = serde_json::from_value(serde_json::json!({
            "person_id": p.to_string(), "reason": "Known to the social worker: in need this winter."
        }))?;
        // One the rule found already is simply left as it is.
        let _ = lists::add(db, worker, id, &f).await;
    }
    let e = programmes::file(db, worker, id)
        .await
        .map_err(anyhow::Error::msg)?;
    // The city gives about two thirds; the rest (and a reserve) comes from the donor.
    let city = e.budget.committed * 2 / 3 / 10_000 * 10_000;
    let donor = (e.budget.committed - city) * 11 / 10 / 10_000 * 10_000 + 10_000;
    for (source, amount) in [(plan.sources[0], city), (plan.sources[1], donor)] {
        if amount > 0 {
            let f: programmes::FundingForm = serde_json::from_value(serde_json::json!({
                "source": source, "amount": skrb_domain::rights::money::plain(amount)
            }))?;
            programmes::add_funding(db, worker, id, &f)
                .await
                .map_err(anyhow::Error::msg)?;
        }
    }
    if e.budget.recipients > 0 {
        lists::approve(db, head, id, "")
            .await
            .map_err(anyhow::Error::msg)?;
    }
    Ok(id)
}

/// Records handing over to the first rows of a list (two thirds of them, at most
/// [`HANDED`]).
async fn hand_over(
    db: &Db,
    worker: &Actor,
    id: i64,
    partner: Option<i64>,
    on: Date,
) -> anyhow::Result<usize> {
    let rows: Vec<(i64, String)> = sql_pool!(db, p => sqlx::query_as(
        "SELECT pe.id, p.given_name || ' ' || p.family_name FROM programme_entry pe JOIN person p ON p.id = pe.person_id \
         WHERE pe.programme_id = $1 AND pe.removed = FALSE ORDER BY pe.id")
        .bind(id).fetch_all(p).await?);
    let n = (rows.len() * 2 / 3).min(HANDED);
    for (entry, name) in rows.iter().take(n) {
        let f: distributions::HandForm = serde_json::from_value(serde_json::json!({
            "entry_id": entry.to_string(), "handed_on": on.to_string(),
            "partner_id": partner.map(|p| p.to_string()).unwrap_or_default(),
            "place": if partner.is_none() { "Центар за социјални рад" } else { "" },
            "received_by": name, "confirmation": "signature",
        }))?;
        distributions::record(db, worker, id, &f)
            .await
            .map_err(anyhow::Error::msg)?;
    }
    Ok(n)
}

async fn trebinje(db: &Db, centre: i64, today: Date) -> anyhow::Result<usize> {
    let worker = who(db, "csr-trebinje", "trebinje").await?;
    let head = who(db, "csr-trebinje", "trebinje-vodja").await?;
    let y = today.year();
    let red_cross = partner(db, centre, "ngo", "Црвени крст").await?;
    let city = partner(db, centre, "city", "").await?;
    let school = partner(db, centre, "school", "").await?;
    // The Red Cross's counter redeems the firewood vouchers.
    sql_pool!(db, p => sqlx::query("UPDATE app_user SET partner_id = $1 WHERE username = 'crveni-krst'")
        .bind(red_cross).execute(p).await?.rows_affected());
    let first = day(y, Month::January, 1)?;
    let on = first.max(today - time::Duration::days(60)).min(today);
    let food = run_plan(
        db,
        &worker,
        &head,
        Plan {
            fields: vec![
                ("name", "Пакети хране за социјално угрожене".into()),
                ("kind", "food".into()),
                ("period_from", first.to_string()),
                ("period_to", day(y, Month::December, 31)?.to_string()),
                ("benefit", "item".into()),
                ("recipient", "household".into()),
                ("item", "пакет хране".into()),
                ("unit", "пакет".into()),
                ("per", "member".into()),
                ("base", "1".into()),
                ("cap", "4".into()),
                ("unit_value", "25,00".into()),
                ("rule_rights", "rs_cash".into()),
            ],
            partners: vec![
                (red_cross, "delivers"),
                (red_cross, "stores"),
                (city, "funds"),
            ],
            sources: ["Град Требиње", "Црвени крст (донација)"],
            by_hand: Vec::new(),
        },
        on,
    )
    .await?;
    let firewood = run_plan(
        db,
        &worker,
        &head,
        Plan {
            fields: vec![
                ("name", "Огрјев за зиму".into()),
                ("kind", "heating".into()),
                ("period_from", first.to_string()),
                ("period_to", day(y, Month::December, 31)?.to_string()),
                ("benefit", "voucher".into()),
                ("recipient", "household".into()),
                ("item", "огрјевно дрво".into()),
                ("unit", "m³".into()),
                ("per", "recipient".into()),
                ("base", "2".into()),
                ("unit_value", "75,00".into()),
                ("rule_rights", "rs_cash, rs_care".into()),
            ],
            partners: vec![(red_cross, "delivers"), (city, "funds")],
            sources: [
                "Град Требиње",
                "Министарство здравља и социјалне заштите РС",
            ],
            by_hand: Vec::new(),
        },
        on,
    )
    .await?;
    let supplies = run_plan(
        db,
        &worker,
        &head,
        Plan {
            fields: vec![
                ("name", "Уџбеници и школски прибор".into()),
                ("kind", "school".into()),
                ("period_from", day(y, Month::June, 1)?.min(on).to_string()),
                ("period_to", day(y, Month::December, 31)?.to_string()),
                ("benefit", "item".into()),
                ("recipient", "household".into()),
                ("item", "пакет школског прибора".into()),
                ("unit", "пакет".into()),
                ("per", "child".into()),
                ("base", "1".into()),
                ("unit_value", "40,00".into()),
                ("rule_rights", "rs_cash".into()),
                ("rule_child_from", "6".into()),
                ("rule_child_to", "15".into()),
            ],
            partners: vec![(school, "hosts"), (red_cross, "delivers")],
            sources: ["Град Требиње", "Донатори"],
            by_hand: Vec::new(),
        },
        on,
    )
    .await?;
    let camp = run_plan(
        db,
        &worker,
        &head,
        Plan {
            fields: vec![
                ("name", "Љетни камп социјализације".into()),
                ("kind", "camp".into()),
                ("period_from", day(y, Month::June, 1)?.min(on).to_string()),
                ("period_to", day(y, Month::December, 31)?.to_string()),
                ("benefit", "place".into()),
                ("recipient", "person".into()),
                ("item", "мјесто у кампу".into()),
                ("per", "recipient".into()),
                ("base", "1".into()),
                ("unit_value", "120,00".into()),
                ("rule_rights", "rs_cash, rs_disability".into()),
                ("rule_child_from", "7".into()),
                ("rule_child_to", "14".into()),
            ],
            partners: vec![(red_cross, "hosts"), (city, "funds")],
            sources: ["Град Требиње", "Пројекат „Правда за свако дијете“"],
            by_hand: Vec::new(),
        },
        on,
    )
    .await?;
    let mut n = 4;
    n += hand_over(db, &worker, food, red_cross, on).await?;
    n += hand_over(db, &worker, supplies, school, on).await?;
    n += hand_over(db, &worker, camp, red_cross, on).await?;
    // Half of the firewood vouchers are redeemed at the Red Cross.
    let partner_user = who(db, "csr-trebinje", "crveni-krst").await?;
    let codes: Vec<String> = sql_pool!(db, p => sqlx::query_scalar("SELECT code FROM voucher WHERE programme_id = $1 ORDER BY id")
        .bind(firewood).fetch_all(p).await?);
    for code in codes.iter().take((codes.len() / 2).min(HANDED)) {
        let f: vouchers::RedeemForm = serde_json::from_value(serde_json::json!({ "code": code }))?;
        vouchers::redeem(db, &partner_user, &f)
            .await
            .map_err(anyhow::Error::msg)?;
        n += 1;
    }
    let a: actions::ActionForm = serde_json::from_value(serde_json::json!({
        "held_on": on.to_string(), "name": "Дан старијих особа", "place": "Дом културе Требиње",
        "partner_id": ([red_cross, city].iter().flatten().map(|p| p.to_string()).collect::<Vec<_>>()),
        "elderly": "64", "disabled": "11", "families": "6",
    }))?;
    actions::create(db, &worker, &a)
        .await
        .map_err(anyhow::Error::msg)?;
    Ok(n)
}

async fn velenje(db: &Db, centre: i64, today: Date) -> anyhow::Result<usize> {
    let worker = who(db, "csd-velenje", "socialna").await?;
    let head = who(db, "csd-velenje", "vodja").await?;
    let municipalities: Vec<(i64, String)> = sql_pool!(db, p => sqlx::query_as(
        "SELECT id, name FROM municipality WHERE centre_id = $1 ORDER BY id").bind(centre).fetch_all(p).await?);
    let Some((velenje, _)) = municipalities.first().cloned() else {
        return Ok(0);
    };
    let other = municipalities.get(1).map(|m| m.0).unwrap_or(velenje);
    // Adults of the centre, those who receive financial social assistance first, not
    // restricted.
    let adult = today - time::Duration::days(365 * 20);
    let persons: Vec<i64> = sql_pool!(db, p => sqlx::query_scalar(
        "SELECT p.id FROM person p WHERE p.centre_id = $1 AND p.restricted = FALSE AND p.birth_date < $2 \
         ORDER BY CASE WHEN EXISTS (SELECT 1 FROM entitlement e JOIN right_type r ON r.id = e.right_id \
           WHERE e.person_id = p.id AND r.code = 'dsp' AND e.status = 'active') THEN 0 ELSE 1 END, p.id LIMIT 6")
        .bind(centre).bind(adult).fetch_all(p).await?);
    if persons.len() < 6 {
        return Ok(0);
    }
    let held = today - time::Duration::days(7);
    let propose = |person: i64, municipality: i64, situation: &str, amount: &str, kind: &str| {
        serde_json::from_value::<committee::ProposalForm>(serde_json::json!({
            "person_id": person.to_string(), "municipality_id": municipality.to_string(),
            "situation": situation, "opinion": "Predlagamo enkratno pomoč; družina je sodelovala pri načrtu pomoči in izpolnjuje dogovore.",
            "requested": amount, "in_kind": kind,
        }))
    };
    // Earlier in the year, a neighbouring municipality's committee helped one of them.
    let earlier = committee::session_create(db, &head, &serde_json::from_value(serde_json::json!({
        "municipality_id": other.to_string(), "held_on": (held - time::Duration::days(60)).max(day(today.year(), Month::January, 2)?).to_string(),
        "number": format!("3/{}", today.year()),
    }))?).await.map_err(anyhow::Error::msg)?;
    let p0 = committee::propose(
        db,
        &worker,
        &propose(
            persons[0],
            other,
            "Izgubil zaposlitev, neplačana najemnina.",
            "120,00",
            "",
        )?,
    )
    .await
    .map_err(anyhow::Error::msg)?;
    let decide = |status: &str, amount: &str, kind: &str, note: &str| {
        serde_json::from_value::<committee::DecisionForm>(serde_json::json!({
            "status": status, "amount": amount, "in_kind": kind, "note": note,
        }))
    };
    committee::decide(
        db,
        &head,
        earlier,
        p0,
        &decide("granted", "120,00", "", "Za najemnino.")?,
    )
    .await
    .map_err(anyhow::Error::msg)?;
    let session = committee::session_create(db, &head, &serde_json::from_value(serde_json::json!({
        "municipality_id": velenje.to_string(), "held_on": held.to_string(), "number": format!("12/{}", today.year()),
        "note": "Redna seja komisije za pomoč občanom v hudi materialni stiski.",
    }))?).await.map_err(anyhow::Error::msg)?;
    let asks = [
        (
            persons[0],
            "Po izgubi zaposlitve družina ne zmore stroškov ogrevanja.",
            "150,00",
            "",
        ),
        (
            persons[1],
            "Mati samohranilka s tremi otroki, odklop elektrike.",
            "200,00",
            "",
        ),
        (
            persons[2],
            "Starejši samski moški, brez ozimnice.",
            "",
            "ozimnica in prehranski paket",
        ),
        (
            persons[3],
            "Dolg pri najemnini, že prejema izredno DSP.",
            "300,00",
            "",
        ),
        (
            persons[4],
            "Poplava v stanovanju, potrebno pohištvo.",
            "250,00",
            "",
        ),
    ];
    let mut ids = Vec::new();
    for (p, s, a, k) in asks {
        ids.push(
            committee::propose(db, &worker, &propose(p, velenje, s, a, k)?)
                .await
                .map_err(anyhow::Error::msg)?,
        );
    }
    committee::decide(
        db,
        &head,
        session,
        ids[0],
        &decide("granted", "150,00", "", "Za kurjavo.")?,
    )
    .await
    .map_err(anyhow::Error::msg)?;
    committee::decide(
        db,
        &head,
        session,
        ids[1],
        &decide("granted", "200,00", "", "Za poplačilo elektrike.")?,
    )
    .await
    .map_err(anyhow::Error::msg)?;
    committee::decide(
        db,
        &head,
        session,
        ids[2],
        &decide(
            "granted",
            "",
            "ozimnica in prehranski paket (Rdeči križ)",
            "",
        )?,
    )
    .await
    .map_err(anyhow::Error::msg)?;
    committee::decide(
        db,
        &head,
        session,
        ids[3],
        &decide("refused", "", "", "Pomoč je že prejel iz izredne DSP.")?,
    )
    .await
    .map_err(anyhow::Error::msg)?;
    // The fifth waits for the next session. The Red Cross's winter parcels for households
    // on financial social assistance, per member, at most five.
    let red_cross = partner(db, centre, "ngo", "Rdeči").await?;
    let karitas = partner(db, centre, "ngo", "Karitas").await?;
    let y = today.year();
    let on = day(y, Month::January, 1)?
        .max(today - time::Duration::days(30))
        .min(today);
    let parcels = run_plan(
        db,
        &worker,
        &head,
        Plan {
            fields: vec![
                ("name", "Zimski prehranski paketi".into()),
                ("kind", "food".into()),
                ("period_from", day(y, Month::January, 1)?.to_string()),
                ("period_to", day(y, Month::December, 31)?.to_string()),
                ("benefit", "item".into()),
                ("recipient", "household".into()),
                ("item", "prehranski paket".into()),
                ("unit", "paket".into()),
                ("per", "member".into()),
                ("base", "1".into()),
                ("cap", "5".into()),
                ("unit_value", "30,00".into()),
                ("rule_rights", "dsp".into()),
            ],
            partners: vec![(red_cross, "delivers"), (karitas, "stores")],
            sources: ["Mestna občina Velenje", "Rdeči križ Slovenije"],
            by_hand: persons[..3].to_vec(),
        },
        on,
    )
    .await?;
    hand_over(db, &worker, parcels, red_cross, on).await?;
    let a: actions::ActionForm = serde_json::from_value(serde_json::json!({
        "held_on": held.to_string(), "name": "Novoletna obdaritev otrok iz socialno šibkih družin", "place": "Dom kulture Velenje",
        "partner_id": ([red_cross, karitas].iter().flatten().map(|p| p.to_string()).collect::<Vec<_>>()),
        "children": "86", "families": "41",
    }))?;
    actions::create(db, &worker, &a)
        .await
        .map_err(anyhow::Error::msg)?;
    Ok(ids.len() + 2)
}
