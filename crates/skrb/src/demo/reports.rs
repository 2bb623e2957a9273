//! The demo's reports: each centre's introduction to this year's annual report, and
//! Trebinje's report of its first eleven months of 2016 (the one it took to the round
//! table) written and published, so a new user finds a report with words and a frozen
//! publication at once.

use skrb_kit::audit::Action;
use skrb_kit::centre::cli_actor;
use skrb_kit::db::Db;
use skrb_kit::i18n::Locale;
use skrb_reports::report::{self, ReportQuery};

pub async fn generate(db: &Db, today: time::Date) -> anyhow::Result<usize> {
    let year = report::period_of(
        &ReportQuery {
            year: Some(today.year().to_string()),
            ..Default::default()
        },
        today,
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    // Both centres are there in the small demo; a centre's or the country's has no
    // Trebinje (and the country's no director of Velenje's), so nothing is written there.
    let (Ok(velenje), Ok(trebinje)) = (
        cli_actor(
            db,
            &Some("csd-velenje".into()),
            &Some("direktor".into()),
            "demo",
        )
        .await,
        cli_actor(
            db,
            &Some("csr-trebinje".into()),
            &Some("trebinje-direktor".into()),
            "demo",
        )
        .await,
    ) else {
        return Ok(0);
    };
    let save = |a, p, key: &'static str, text: &'static str| async move {
        skrb_reports::narrative::save(db, a, p, key, text, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))
    };
    let mut made = 0;
    save(&velenje, year, "intro", "Center za socialno delo Velenje pokriva tri občine (Velenje, Šoštanj in Šmartno ob Paki) s približno 45.000 prebivalci. Poročilo občinskemu svetu prikazuje delo centra v letu: uporabnike, odločbe o pravicah, izplačila, storitve, pomoč na domu, rejništvo in dodatne programe za ljudi v hudi stiski.").await?;
    save(&velenje, year, "committees", "Center sodeluje v občinski komisiji za pomoč občanom v hudi materialni stiski in v delovni skupini za socialno vključenost starejših.").await?;
    save(&trebinje, year, "intro", "ЈУ Центар за социјални рад Требиње ради од понедјељка до петка од 7 до 15 часова. Оснивач центра је Град Требиње; центар ради по Закону о социјалној заштити Републике Српске, градској стратегији социјалне заштите и свом акционом плану.").await?;
    made += 3;
    // The eleven months of 2016, written and published in Serbian Cyrillic.
    let eleven = skrb_domain::reports::Period::new(
        time::macros::date!(2016 - 01 - 01),
        time::macros::date!(2016 - 11 - 30),
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    save(&trebinje, eleven, "intro", "Центар је у првих једанаест мјесеци 2016. године редовно исплаћивао сва права корисницима и, поред основне дјелатности, проводио програме помоћи у храни, огрјеву, уџбеницима и школском прибору, љетни камп за дјецу и пројекат „Правда за свако дијете“.").await?;
    save(&trebinje, eleven, "plan", "На округлом столу 30. новембра 2016. године 22 представника 20 организација оцијенило је рад центра; три њихова приједлога унесена су у акциони план за 2017. годину.").await?;
    let q = ReportQuery {
        from: Some("2016-01-01".into()),
        to: Some("2016-11-30".into()),
        ..Default::default()
    };
    let r = report::annual(
        db,
        db,
        &trebinje,
        &q,
        Locale::SrCyrl,
        true,
        Action::Read,
        &mut |_| {},
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    skrb_reports::publication::publish(db, &trebinje, &r)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    made += 3;
    Ok(made)
}
