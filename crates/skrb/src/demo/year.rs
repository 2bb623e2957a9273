//! The centres' year for the demo, made through the context's own use cases: Velenje's
//! staff as its 2014 report counts them on 31 December (51 employees; 4 interns and 1
//! informator funded by the European Social Fund; 13 public-works workers, 4 of them in
//! home help), its working groups and its public page; Trebinje's strategies, its 2016
//! action plan with entered and computed indicators and approved updates, the round table
//! of 30 November 2016 (22 representatives of 20 organisations, their ratings and
//! proposals, three accepted into the 2017 plan, the summary published), this year's plan
//! whose computed indicators read the demo's own data, and its public page. The Red
//! Cross has not answered yet: its demo account answers in the partner portal.

use serde::de::DeserializeOwned;
use skrb_kit::audit::Actor;
use skrb_kit::db::Db;
use skrb_kit::sql_pool;
use skrb_year::{plans, public, round_tables, staff, strategies};
use time::{Date, Month, OffsetDateTime, Time};

async fn who(db: &Db, centre: &str, user: &str) -> anyhow::Result<Actor> {
    skrb_kit::centre::cli_actor(db, &Some(centre.into()), &Some(user.into()), "demo").await
}

/// The actor as on a day (the round table of 2016 was recorded then).
fn on(a: &Actor, d: Date) -> Actor {
    Actor {
        now: OffsetDateTime::new_utc(d, Time::from_hms(10, 0, 0).unwrap_or(Time::MIDNIGHT)),
        ..a.clone()
    }
}

fn day(y: i32, m: u8, d: u8) -> anyhow::Result<Date> {
    Ok(Date::from_calendar_date(y, Month::try_from(m)?, d)?)
}

fn form<T: DeserializeOwned>(pairs: &[(&str, &str)]) -> anyhow::Result<T> {
    let map: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
        .collect();
    Ok(serde_json::from_value(serde_json::Value::Object(map))?)
}

fn e(err: skrb_kit::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{err:?}")
}

pub async fn generate(db: &Db) -> anyhow::Result<usize> {
    let centres: Vec<String> = sql_pool!(db, p => sqlx::query_scalar(
        "SELECT code FROM centre WHERE code IN ('csd-velenje', 'csr-trebinje')").fetch_all(p).await?);
    let mut made = 0;
    if centres.iter().any(|c| c == "csd-velenje") {
        made += velenje(db).await?;
    }
    if centres.iter().any(|c| c == "csr-trebinje") {
        made += trebinje(db).await?;
    }
    Ok(made)
}

/// A goal of a strategy, or (with its goal) a measure; its id.
async fn item(
    db: &Db,
    a: &Actor,
    strategy: i64,
    goal: Option<i64>,
    code: &str,
    title: &str,
) -> anyhow::Result<i64> {
    let goal = goal.map(|g| g.to_string()).unwrap_or_default();
    let f: strategies::GoalForm = form(&[("goal_id", &goal), ("code", code), ("title", title)])?;
    strategies::add_item(db, a, strategy, &f).await.map_err(e)
}

async fn user_id(db: &Db, username: &str) -> anyhow::Result<Option<i64>> {
    Ok(
        sql_pool!(db, p => sqlx::query_scalar("SELECT id FROM app_user WHERE username = $1")
        .bind(username).fetch_optional(p).await?),
    )
}

/// One staff record; `account` links a demo user.
#[allow(clippy::too_many_arguments)]
async fn person(
    db: &Db,
    a: &Actor,
    name: &str,
    kind: &str,
    funding: &str,
    job: &str,
    hours: u32,
    from: Date,
    to: Option<Date>,
    account: Option<&str>,
) -> anyhow::Result<i64> {
    let user = match account {
        Some(u) => user_id(db, u).await?.map(|id| id.to_string()),
        None => None,
    }
    .unwrap_or_default();
    let (from, to, hours) = (
        from.to_string(),
        to.map(|d| d.to_string()).unwrap_or_default(),
        hours.to_string(),
    );
    let f: staff::StaffForm = form(&[
        ("name", name),
        ("kind", kind),
        ("funding", funding),
        ("job", job),
        ("hours_week", &hours),
        ("starts_on", &from),
        ("ends_on", &to),
        ("user_id", &user),
    ])?;
    staff::create(db, a, &f).await.map_err(e)
}

const SI_GIVEN: &[&str] = &[
    "Ana", "Bojana", "Cvetka", "Darja", "Eva", "Irena", "Jana", "Katja", "Maja", "Nataša", "Petra",
    "Simona", "Tanja", "Urška", "Marko", "Matej", "Andrej", "Boštjan",
];
const SI_FAMILY: &[&str] = &[
    "Kovač",
    "Novak",
    "Horvat",
    "Krajnc",
    "Zupan",
    "Potočnik",
    "Kos",
    "Vidmar",
    "Golob",
    "Turk",
    "Kolar",
    "Mlakar",
    "Žagar",
    "Hribar",
    "Oblak",
];

fn si_name(n: usize) -> String {
    format!(
        "{} {}",
        SI_GIVEN[n % SI_GIVEN.len()],
        SI_FAMILY[(n * 7 + n / SI_GIVEN.len()) % SI_FAMILY.len()]
    )
}

async fn velenje(db: &Db) -> anyhow::Result<usize> {
    let director = who(db, "csd-velenje", "direktor").await?;
    let mut made = 0;
    // The demo's own accounts first: their hours set their caseload norm.
    let own = [
        ("Darja Direktorica", "Direktorica", 40, "direktor"),
        ("Vesna Vodja", "Vodja enote", 40, "vodja"),
        ("Sonja Socialna", "Strokovna delavka", 40, "socialna"),
        ("Peter Pravnik", "Pravnik", 40, "pravice"),
        ("Franci Finančnik", "Računovodja", 40, "finance"),
        (
            "Olga Oskrbnica",
            "Koordinatorka pomoči na domu",
            40,
            "oskrba",
        ),
        ("Nina Negovalka", "Socialna oskrbovalka", 40, "negovalka"),
    ];
    let since = day(2008, 3, 1)?;
    for (name, job, hours, account) in own {
        person(
            db,
            &director,
            name,
            "employee",
            "state",
            job,
            hours,
            since,
            None,
            Some(account),
        )
        .await?;
        made += 1;
    }
    // 51 employees on 31 December 2014: the 7 above, 40 more paid by the state, 4 carers
    // paid by the municipalities; two who left in June and three hired in 2015 are not
    // counted that day.
    for n in 0..40 {
        let job = if n % 3 == 0 {
            "Socialni delavec"
        } else {
            "Strokovna delavka"
        };
        let hours = if n % 10 == 9 { 30 } else { 40 };
        person(
            db,
            &director,
            &si_name(n),
            "employee",
            "state",
            job,
            hours,
            day(2005 + (n as i32 % 9), 1 + (n % 12) as u8, 1)?,
            None,
            None,
        )
        .await?;
    }
    for n in 40..44 {
        person(
            db,
            &director,
            &si_name(n),
            "employee",
            "municipality",
            "Socialna oskrbovalka",
            40,
            day(2012, 9, 1)?,
            None,
            None,
        )
        .await?;
    }
    for n in 44..46 {
        person(
            db,
            &director,
            &si_name(n),
            "employee",
            "state",
            "Strokovna delavka",
            40,
            day(2009, 1, 1)?,
            Some(day(2014, 6, 30)?),
            None,
        )
        .await?;
    }
    for n in 46..49 {
        person(
            db,
            &director,
            &si_name(n),
            "employee",
            "state",
            "Strokovni delavec",
            40,
            day(2015, 3, 1)?,
            None,
            None,
        )
        .await?;
    }
    // The European Social Fund's interns and informator, for 2014.
    let (esf_from, esf_to) = (day(2014, 2, 1)?, Some(day(2015, 1, 31)?));
    for n in 49..53 {
        person(
            db,
            &director,
            &si_name(n),
            "intern",
            "esf",
            "Pripravnik",
            40,
            esf_from,
            esf_to,
            None,
        )
        .await?;
    }
    person(
        db,
        &director,
        &si_name(53),
        "informator",
        "esf",
        "Informator",
        40,
        esf_from,
        esf_to,
        None,
    )
    .await?;
    // 13 public-works workers in the extra programmes, 4 of them in home help.
    let (pw_from, pw_to) = (day(2014, 1, 1)?, Some(day(2014, 12, 31)?));
    for n in 54..67 {
        let job = if n < 58 {
            "Javna dela: pomoč na domu"
        } else {
            "Javna dela: programi"
        };
        person(
            db,
            &director,
            &si_name(n),
            "public_works",
            "municipality",
            job,
            40,
            pw_from,
            pw_to,
            None,
        )
        .await?;
    }
    made += 60;
    // Working groups of the municipality.
    let members: Vec<(i64, String)> = sql_pool!(db, p => sqlx::query_as(
        "SELECT s.id, s.name FROM staff_member s JOIN centre c ON c.id = s.centre_id WHERE c.code = 'csd-velenje' ORDER BY s.id LIMIT 3")
        .fetch_all(p).await?);
    for (name, from, to) in [
        (
            "Delovna skupina za socialno vključenost starejših",
            "2013-01-15",
            "",
        ),
        (
            "Delovna skupina za pripravo občinske strategije 2014–2020",
            "2013-05-01",
            "2014-12-31",
        ),
    ] {
        let g: staff::GroupForm = form(&[
            ("name", name),
            ("convened_by", "Mestna občina Velenje"),
            ("starts_on", from),
            ("ends_on", to),
        ])?;
        let id = staff::create_group(db, &director, &g).await.map_err(e)?;
        for (i, (m, _)) in members.iter().enumerate() {
            let role = if i == 0 {
                "member"
            } else if i == 1 {
                "chair"
            } else {
                "secretary"
            };
            let f: staff::MemberForm = form(&[
                ("staff_id", &m.to_string()),
                ("role", role),
                ("starts_on", from),
                ("ends_on", to),
            ])?;
            staff::add_member(db, &director, id, &f).await.map_err(e)?;
        }
        made += 1;
    }
    let s: strategies::StrategyForm = form(&[
        ("owner", "municipality"),
        (
            "name",
            "Strategija razvoja socialnega varstva v Mestni občini Velenje 2014–2020",
        ),
        ("from_year", "2014"),
        ("to_year", "2020"),
    ])?;
    let sid = strategies::create(db, &director, &s).await.map_err(e)?;
    let goal = item(
        db,
        &director,
        sid,
        None,
        "1",
        "Socialna vključenost starejših",
    )
    .await?;
    item(
        db,
        &director,
        sid,
        Some(goal),
        "1.1",
        "Pomoč na domu vsem, ki jo potrebujejo",
    )
    .await?;
    let p: public::SettingsForm = form(&[
        ("address", "Prešernova cesta 2, 3320 Velenje"),
        ("office_hours", "ponedeljek, torek, četrtek 8:00–12:00; sreda 8:00–12:00 in 13:00–16:00; petek 8:00–11:00"),
        ("phone", "03 898 45 00"),
        ("email", "gpcsd.velenje@gov.si"),
    ])?;
    public::save_settings(db, &director, &p).await.map_err(e)?;
    made += this_year(db, &director).await?;
    Ok(made)
}

/// Velenje's plan of this year (home help's delivered time computed from the roster's
/// visits) and its round table with the partners, the school still to answer in the
/// portal (`sola`).
async fn this_year(db: &Db, director: &Actor) -> anyhow::Result<usize> {
    let head = who(db, "csd-velenje", "vodja").await?;
    let year = director.today().year();
    let title = format!("Letni delovni načrt {year}");
    let plan = plans::create(
        db,
        director,
        &form(&[("year", &year.to_string()), ("title", &title)])?,
    )
    .await
    .map_err(e)?;
    let end = format!("{year}-12-31");
    let a: plans::ActivityForm = form(&[
        ("title", "Pomoč na domu vsem upravičenim"),
        ("due_on", &end),
    ])?;
    let help = plans::add_activity(db, director, plan, &a)
        .await
        .map_err(e)?;
    let i: plans::IndicatorForm = form(&[
        ("name", "Opravljen čas pomoči na domu"),
        ("measure", "homehelp_delivered"),
        ("baseline", "90"),
        ("target", "95"),
    ])?;
    plans::add_indicator(db, director, help, &i)
        .await
        .map_err(e)?;
    let i: plans::IndicatorForm = form(&[
        ("name", "Uporabniki pomoči na domu"),
        ("unit", "uporabnikov"),
        ("baseline", "120"),
        ("target", "140"),
    ])?;
    let users = plans::add_indicator(db, director, help, &i)
        .await
        .map_err(e)?;
    let a: plans::ActivityForm = form(&[("title", "Odprti spisi brez zamud"), ("due_on", &end)])?;
    let files = plans::add_activity(db, director, plan, &a)
        .await
        .map_err(e)?;
    let i: plans::IndicatorForm = form(&[
        ("name", "Spisi brez zapadle naloge"),
        ("measure", "files_without_overdue"),
        ("baseline", "80"),
        ("target", "90"),
    ])?;
    plans::add_indicator(db, director, files, &i)
        .await
        .map_err(e)?;
    let as_of = format!("{year}-06-30");
    let f: plans::UpdateForm = form(&[
        ("as_of", &as_of),
        ("reported", "started"),
        ("indicator_id", &users.to_string()),
        ("value", "131"),
        ("form_key", "demo-velenje-1"),
    ])?;
    let u = plans::submit(db, &head, help, &f).await.map_err(e)?;
    plans::review(db, director, u, &form(&[("decision", "approved")])?)
        .await
        .map_err(e)?;
    // An update waiting for the director.
    let today = director.today().to_string();
    let f: plans::UpdateForm = form(&[
        ("as_of", &today),
        ("indicator_id", &users.to_string()),
        ("value", "138"),
        ("note", "Trije novi uporabniki v novembru."),
        ("form_key", "demo-velenje-2"),
    ])?;
    plans::submit(db, &head, help, &f).await.map_err(e)?;

    let held = format!("{year}-11-20");
    let rt: round_tables::RoundTableForm = form(&[
        ("title", &format!("Okrogla miza s partnerji {year}")),
        ("held_on", &held),
        ("place", "Sejna soba centra"),
        ("plan_id", &plan.to_string()),
        ("anonymous", "1"),
    ])?;
    let rt = round_tables::create(db, &head, &rt).await.map_err(e)?;
    let partners: Vec<String> = round_tables::partner_choices(db, &head)
        .await
        .map_err(e)?
        .into_iter()
        .take(6)
        .map(|p| p.0.to_string())
        .collect();
    round_tables::invite(
        db,
        &head,
        rt,
        &form(&[("partner_id", &partners.join(","))])?,
    )
    .await
    .map_err(e)?;
    let file = round_tables::file(db, &head, rt).await.map_err(e)?;
    let school: Option<i64> = sql_pool!(db, p => sqlx::query_scalar("SELECT partner_id FROM app_user WHERE username = 'sola'").fetch_optional(p).await?).flatten();
    let mut made = 3;
    for (k, inv) in file.invites.iter().enumerate() {
        let f: round_tables::AttendeeForm = form(&[
            ("invite_id", &inv.id.to_string()),
            ("name", &si_name(70 + k)),
            ("job", "predstavnik"),
        ])?;
        round_tables::attend(db, &head, rt, &f).await.map_err(e)?;
        if Some(inv.partner_id) == school || k > 3 {
            continue;
        }
        let marks = ["5", "4", "4", "5"];
        let f: round_tables::AnswerForm = form(&[
            ("cooperation", marks[k % 4]),
            ("responsiveness", marks[(k + 1) % 4]),
            ("professional", "5"),
            ("coordination", marks[(k + 2) % 4]),
            (
                "proposal",
                if k == 0 {
                    "Skupna delavnica za starejše v domu upokojencev"
                } else {
                    ""
                },
            ),
        ])?;
        let guest = Actor {
            user_id: None,
            username: None,
            scope: None,
            ..head.clone()
        };
        round_tables::answer_by_token(db, &guest, &inv.token, &f)
            .await
            .map_err(e)?;
        made += 1;
    }
    Ok(made)
}

/// The city's strategy of social protection: goals and their measures, as it numbers them.
type Goals = &'static [(
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
)];
const CITY_GOALS: Goals = &[
    (
        "1",
        "Доступна и благовремена права из социјалне заштите",
        &[
            ("1.1", "Рјешавање захтјева у законском року"),
            ("1.2", "Редовна исплата новчаних права"),
        ],
    ),
    (
        "2",
        "Подршка породици и дјеци",
        &[("2.1", "Савјетодавни рад и радионице за родитеље")],
    ),
    (
        "3",
        "Партнерство у заједници",
        &[("3.1", "Годишња оцјена рада са партнерима")],
    ),
];

const RS_GIVEN: &[&str] = &[
    "Мирјана",
    "Драган",
    "Слађана",
    "Жељко",
    "Весна",
    "Горан",
    "Снежана",
    "Ненад",
];
const RS_FAMILY: &[&str] = &[
    "Тодоровић",
    "Вукалић",
    "Ђурић",
    "Бошковић",
    "Лаловић",
    "Шешлија",
    "Глоговац",
];

/// The organisations at Trebinje's round table besides the six the directory holds.
const ROUND_TABLE_GUESTS: &[(&str, &str)] = &[
    ("ЈЗУ Болница Требиње", "health"),
    ("Центар за ментално здравље Требиње", "health"),
    ("ЈУ Гимназија Јован Дучић", "school"),
    ("ЈУ Техничка школа Требиње", "school"),
    ("ЈУ Основна школа Свети Сава", "school"),
    ("ЈУ Дјечији вртић Требиње", "kindergarten"),
    ("Основни суд у Требињу", "court"),
    ("Окружно тужилаштво Требиње", "court"),
    ("ЈУ Дом за старија лица Требиње", "pensioners_home"),
    ("Удружење пензионера Града Требиња", "ngo"),
    ("Удружење Сунце", "ngo"),
    (
        "Удружење родитеља дјеце са посебним потребама Требиње",
        "ngo",
    ),
    ("Народна кухиња Требиње", "ngo"),
    ("Удружење жена Требиње", "ngo"),
];

async fn trebinje(db: &Db) -> anyhow::Result<usize> {
    let director = who(db, "csr-trebinje", "trebinje-direktor").await?;
    let head = who(db, "csr-trebinje", "trebinje-vodja").await?;
    let mut made = 0;
    let since = day(2010, 9, 1)?;
    let own = [
        ("Бранка Милић", "Директор", "trebinje-direktor"),
        ("Милан Савић", "Руководилац службе", "trebinje-vodja"),
        ("Јелена Јовановић", "Социјални радник", "trebinje"),
    ];
    let mut ids = Vec::new();
    for (name, job, account) in own {
        ids.push(
            person(
                db,
                &director,
                name,
                "employee",
                "state",
                job,
                40,
                since,
                None,
                Some(account),
            )
            .await?,
        );
    }
    for n in 0..14 {
        let name = format!(
            "{} {}",
            RS_GIVEN[n % RS_GIVEN.len()],
            RS_FAMILY[(n * 3) % RS_FAMILY.len()]
        );
        let (job, funding) = match n % 4 {
            0 => ("Психолог", "state"),
            1 => ("Педагог", "state"),
            2 => ("Правник", "municipality"),
            _ => ("Социјални радник", "state"),
        };
        person(
            db,
            &director,
            &name,
            "employee",
            funding,
            job,
            40,
            day(2006 + n as i32 % 10, 2, 1)?,
            None,
            None,
        )
        .await?;
    }
    made += 17;
    // The city's strategy and the centre's own strategic plan.
    let s: strategies::StrategyForm = form(&[
        ("owner", "municipality"),
        (
            "name",
            "Стратегија социјалне заштите Града Требиња 2016–2021",
        ),
        ("from_year", "2016"),
        ("to_year", "2021"),
    ])?;
    let city = strategies::create(db, &director, &s).await.map_err(e)?;
    let mut measures = std::collections::HashMap::new();
    for (code, title, items) in CITY_GOALS {
        let goal = item(db, &director, city, None, code, title).await?;
        for (m, t) in *items {
            measures.insert(*m, item(db, &director, city, Some(goal), m, t).await?);
        }
    }
    let measure = |code: &str| measures.get(code).copied().unwrap_or_default();
    let (m11, m12, m21, m31) = (
        measure("1.1"),
        measure("1.2"),
        measure("2.1"),
        measure("3.1"),
    );
    let own_plan: strategies::StrategyForm = form(&[
        ("owner", "centre"),
        (
            "name",
            "Стратешки план ЈУ Центар за социјални рад Требиње 2016–2021",
        ),
        ("from_year", "2016"),
        ("to_year", "2021"),
    ])?;
    strategies::create(db, &director, &own_plan)
        .await
        .map_err(e)?;
    made += 2;

    // The 2016 action plan.
    let plan: plans::PlanForm = form(&[
        ("year", "2016"),
        ("title", "Акциони план Центра за 2016. годину"),
        ("strategy_id", &city.to_string()),
    ])?;
    let p2016 = plans::create(db, &director, &plan).await.map_err(e)?;
    let responsible = ids[1].to_string();
    let activity = |title: &str, measure: i64, due: &str| -> anyhow::Result<plans::ActivityForm> {
        form(&[
            ("title", title),
            ("measure_id", &measure.to_string()),
            ("responsible_id", &responsible),
            ("due_on", due),
        ])
    };
    let a_decisions = plans::add_activity(
        db,
        &director,
        p2016,
        &activity(
            "Рјешавање захтјева за права у законском року",
            m11,
            "2016-12-31",
        )?,
    )
    .await
    .map_err(e)?;
    let a_pay = plans::add_activity(
        db,
        &director,
        p2016,
        &activity("Редовна мјесечна исплата права", m12, "2016-12-31")?,
    )
    .await
    .map_err(e)?;
    let a_workshops = plans::add_activity(
        db,
        &director,
        p2016,
        &activity("Радионице за родитеље", m21, "2016-11-30")?,
    )
    .await
    .map_err(e)?;
    let a_table = plans::add_activity(
        db,
        &director,
        p2016,
        &activity("Округли сто са партнерима", m31, "2016-11-30")?,
    )
    .await
    .map_err(e)?;
    let a_foster = plans::add_activity(
        db,
        &director,
        p2016,
        &activity("Промоција хранитељства", m21, "2016-10-31")?,
    )
    .await
    .map_err(e)?;
    let ind = |name: &str,
               measure: &str,
               unit: &str,
               baseline: &str,
               target: &str|
     -> anyhow::Result<plans::IndicatorForm> {
        form(&[
            ("name", name),
            ("measure", measure),
            ("unit", unit),
            ("baseline", baseline),
            ("target", target),
        ])
    };
    plans::add_indicator(
        db,
        &director,
        a_decisions,
        &ind(
            "Рјешења у законском року",
            "decisions_on_time",
            "",
            "85",
            "95",
        )?,
    )
    .await
    .map_err(e)?;
    plans::add_indicator(
        db,
        &director,
        a_pay,
        &ind("Исплате на вријеме", "runs_on_time", "", "100", "100")?,
    )
    .await
    .map_err(e)?;
    let i_workshops = plans::add_indicator(
        db,
        &director,
        a_workshops,
        &ind("Одржане радионице", "", "радионица", "4", "12")?,
    )
    .await
    .map_err(e)?;
    let i_parents = plans::add_indicator(
        db,
        &director,
        a_workshops,
        &ind("Родитељи на радионицама", "", "родитеља", "40", "120")?,
    )
    .await
    .map_err(e)?;
    let i_orgs = plans::add_indicator(
        db,
        &director,
        a_table,
        &ind(
            "Организације на округлом столу",
            "",
            "организација",
            "12",
            "20",
        )?,
    )
    .await
    .map_err(e)?;
    let i_families = plans::add_indicator(
        db,
        &director,
        a_foster,
        &ind("Нове хранитељске породице", "", "породица", "1", "3")?,
    )
    .await
    .map_err(e)?;
    made += 11;
    // Progress through the year: the head of unit reports, the director approves (one
    // sent back with a comment and reported again).
    let mut n = 0;
    let mut update = |activity: i64,
                      as_of: &'static str,
                      reported: &'static str,
                      indicator: Option<i64>,
                      value: &'static str,
                      note: &'static str| {
        n += 1;
        let key = format!("demo-trebinje-{n}");
        let ind = indicator.map(|i| i.to_string()).unwrap_or_default();
        (
            activity,
            as_of,
            form::<plans::UpdateForm>(&[
                ("as_of", as_of),
                ("reported", reported),
                ("indicator_id", &ind),
                ("value", value),
                ("note", note),
                ("form_key", &key),
            ]),
        )
    };
    let updates = [
        update(
            a_workshops,
            "2016-03-31",
            "started",
            Some(i_workshops),
            "3",
            "Три радионице у првом кварталу.",
        ),
        update(
            a_workshops,
            "2016-06-30",
            "started",
            Some(i_workshops),
            "6",
            "",
        ),
        update(a_workshops, "2016-06-30", "", Some(i_parents), "58", ""),
        update(
            a_workshops,
            "2016-11-30",
            "done",
            Some(i_workshops),
            "12",
            "План испуњен.",
        ),
        update(a_workshops, "2016-11-30", "", Some(i_parents), "131", ""),
        update(
            a_foster,
            "2016-06-30",
            "started",
            Some(i_families),
            "1",
            "Кампања у локалним медијима.",
        ),
        update(a_foster, "2016-10-31", "done", Some(i_families), "2", ""),
        update(a_table, "2016-11-30", "done", Some(i_orgs), "20", ""),
        update(a_decisions, "2016-12-31", "done", None, "", ""),
        update(a_pay, "2016-12-31", "done", None, "", ""),
    ];
    for (activity, as_of, f) in updates {
        let when = skrb_kit::dates::parse_date(as_of).ok_or_else(|| anyhow::anyhow!("date"))?;
        let id = plans::submit(db, &on(&head, when), activity, &f?)
            .await
            .map_err(e)?;
        let r: plans::ReviewForm = form(&[("decision", "approved")])?;
        plans::review(db, &on(&director, when), id, &r)
            .await
            .map_err(e)?;
        made += 1;
    }
    // One update sent back: the number did not match the attendance lists.
    let f: plans::UpdateForm = form(&[
        ("as_of", "2016-09-30"),
        ("indicator_id", &i_parents.to_string()),
        ("value", "95"),
        ("form_key", "demo-trebinje-returned"),
    ])?;
    let when = day(2016, 9, 30)?;
    let id = plans::submit(db, &on(&head, when), a_workshops, &f)
        .await
        .map_err(e)?;
    let r: plans::ReviewForm = form(&[
        ("decision", "returned"),
        ("comment", "Број не одговара листама присуства; провјерите."),
    ])?;
    plans::review(db, &on(&director, when), id, &r)
        .await
        .map_err(e)?;
    made += 1;

    // The 2017 plan, where the round table's proposals go, and this year's, whose
    // computed indicators read the demo's data.
    let p2017 = plans::create(
        db,
        &director,
        &form(&[
            ("year", "2017"),
            ("title", "Акциони план Центра за 2017. годину"),
            ("strategy_id", &city.to_string()),
        ])?,
    )
    .await
    .map_err(e)?;
    plans::add_activity(
        db,
        &director,
        p2017,
        &activity(
            "Рјешавање захтјева за права у законском року",
            m11,
            "2017-12-31",
        )?,
    )
    .await
    .map_err(e)?;
    let this_year = director.today().year();
    let title = format!("Акциони план Центра за {this_year}. годину");
    let pnow = plans::create(
        db,
        &director,
        &form(&[
            ("year", &this_year.to_string()),
            ("title", &title),
            ("strategy_id", &city.to_string()),
        ])?,
    )
    .await
    .map_err(e)?;
    let end = format!("{this_year}-12-31");
    for (title, measure, indicator, m, base, target) in [
        (
            "Рјешавање захтјева за права у законском року",
            m11,
            "Рјешења у законском року",
            "decisions_on_time",
            "90",
            "95",
        ),
        (
            "Редовна мјесечна исплата права",
            m12,
            "Исплате на вријеме",
            "runs_on_time",
            "100",
            "100",
        ),
        (
            "Праћење отворених предмета",
            m21,
            "Предмети без задатка у кашњењу",
            "files_without_overdue",
            "80",
            "90",
        ),
        (
            "Програми помоћи са партнерима",
            m31,
            "Обухваћени корисници програма",
            "programme_reach",
            "70",
            "90",
        ),
    ] {
        let a = plans::add_activity(db, &director, pnow, &activity(title, measure, &end)?)
            .await
            .map_err(e)?;
        plans::add_indicator(db, &director, a, &ind(indicator, m, "", base, target)?)
            .await
            .map_err(e)?;
        made += 2;
    }

    // The round table of 30 November 2016.
    let held = day(2016, 11, 30)?;
    let (director_then, head_then) = (on(&director, held), on(&head, held));
    for (name, kind) in ROUND_TABLE_GUESTS {
        let f: skrb_partners::directory::PartnerForm = form(&[("name", name), ("kind", kind)])?;
        skrb_partners::directory::create(db, &director, &f)
            .await
            .map_err(e)?;
    }
    let partners = round_tables::partner_choices(db, &director)
        .await
        .map_err(e)?;
    let rt: round_tables::RoundTableForm = form(&[
        ("title", "Округли сто: оцјена рада Центра у 2016. години"),
        ("held_on", "2016-11-30"),
        ("place", "Сала Скупштине Града Требиња"),
        ("plan_id", &p2016.to_string()),
    ])?;
    let rt = round_tables::create(db, &director_then, &rt)
        .await
        .map_err(e)?;
    let all: Vec<String> = partners.iter().take(20).map(|p| p.0.to_string()).collect();
    let invite: round_tables::InviteForm = form(&[("partner_id", &all.join(","))])?;
    round_tables::invite(db, &head_then, rt, &invite)
        .await
        .map_err(e)?;
    let file = round_tables::file(db, &director_then, rt)
        .await
        .map_err(e)?;
    // 22 representatives: two each from the city administration and the health centre.
    for (i, inv) in file.invites.iter().enumerate() {
        let reps = if inv.partner.starts_with("Градска управа")
            || inv.partner.starts_with("Дом здравља")
        {
            2
        } else {
            1
        };
        for r in 0..reps {
            let name = format!(
                "{} {}",
                RS_GIVEN[(i + r) % RS_GIVEN.len()],
                RS_FAMILY[(i * 2 + r) % RS_FAMILY.len()]
            );
            let f: round_tables::AttendeeForm = form(&[
                ("invite_id", &inv.id.to_string()),
                ("name", &name),
                ("job", "представник"),
            ])?;
            round_tables::attend(db, &head_then, rt, &f)
                .await
                .map_err(e)?;
        }
    }
    // Every organisation answers by its one-time link, but the Red Cross (its demo
    // account answers in the portal).
    let marks = [
        ["5", "5", "5", "4"],
        ["5", "4", "5", "4"],
        ["4", "4", "5", "3"],
        ["5", "5", "4", "4"],
        ["4", "3", "4", "4"],
        ["5", "4", "5", "5"],
        ["3", "4", "4", "3"],
        ["5", "5", "5", "5"],
        ["4", "4", "4", "4"],
        ["5", "4", "4", "3"],
    ];
    let proposals = [
        (2, "Заједничке радионице за родитеље у школама"),
        (5, "Дежурни телефон Центра викендом"),
        (9, "Обука волонтера за помоћ старијима"),
        (12, "Чешћи састанци мреже партнера"),
    ];
    let mut answered = 0;
    for (i, inv) in file.invites.iter().enumerate() {
        if inv.partner.starts_with("Црвени крст") {
            continue;
        }
        let m = marks[i % marks.len()];
        let proposal = proposals
            .iter()
            .find(|p| p.0 == i)
            .map(|p| p.1)
            .unwrap_or("");
        let comment = match i {
            0 => "Добра сарадња током године, нарочито у хитним случајевима.",
            4 => "Дуго чекање на одговор на наше дописе.",
            8 => "Стручни радници су увијек доступни школама.",
            11 => "Требало би више заједничких акција са удружењима.",
            16 => "Координација око смјештаја старијих је побољшана.",
            _ => "",
        };
        let f: round_tables::AnswerForm = form(&[
            ("cooperation", m[0]),
            ("responsiveness", m[1]),
            ("professional", m[2]),
            ("coordination", m[3]),
            ("comment", comment),
            ("proposal", proposal),
        ])?;
        let guest = Actor {
            user_id: None,
            username: None,
            scope: None,
            ..director_then.clone()
        };
        round_tables::answer_by_token(db, &guest, &inv.token, &f)
            .await
            .map_err(e)?;
        answered += 1;
    }
    // A proposal from the floor, by the city administration.
    let city_admin = file
        .invites
        .iter()
        .find(|i| i.partner.starts_with("Градска управа"))
        .map(|i| i.partner_id.to_string())
        .unwrap_or_default();
    let f: round_tables::ProposalForm = form(&[
        ("partner_id", &city_admin),
        (
            "text",
            "Заједнички регистар корисника помоћи Града и Центра",
        ),
    ])?;
    round_tables::propose(db, &head_then, rt, &f)
        .await
        .map_err(e)?;
    // Three accepted into the 2017 plan, one answered with the reason, one left open.
    let file = round_tables::file(db, &director_then, rt)
        .await
        .map_err(e)?;
    let decided = on(&director, day(2016, 12, 15)?);
    for (k, p) in file.proposals.iter().enumerate() {
        let f: round_tables::OutcomeForm = match k {
            0 => form(&[("outcome", "accepted"), ("due_on", "2017-06-30")])?,
            1 => form(&[("outcome", "answered"), ("answer", "Центар нема запослене за рад викендом; хитни случајеви иду преко полиције и дежурне службе Дома здравља.")])?,
            2 => form(&[("outcome", "accepted"), ("due_on", "2017-09-30")])?,
            3 => form(&[("outcome", "accepted"), ("title", "Тромјесечни састанци мреже партнера"), ("due_on", "2017-12-31")])?,
            _ => continue,
        };
        round_tables::decide(db, &decided, rt, p.id, &f)
            .await
            .map_err(e)?;
    }
    round_tables::publish(db, &decided, rt).await.map_err(e)?;
    made += answered + file.proposals.len() + 2;
    let p: public::SettingsForm = form(&[
        ("address", "Вожда Карађорђа 2, 89101 Требиње"),
        ("office_hours", "понедјељак–петак 7:00–15:00"),
        ("phone", "059 261 320"),
        ("email", "csrtrebinje@teol.net"),
    ])?;
    public::save_settings(db, &director, &p).await.map_err(e)?;
    Ok(made)
}
