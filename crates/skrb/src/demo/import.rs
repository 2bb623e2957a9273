//! The import in the demo: each centre's head of unit brings in the example of an old
//! register (Velenje's CSV in Windows-1250, committed, with its duplicates waiting for
//! review and its mapping kept as a profile; Trebinje's Cyrillic XLSX, checked and
//! waiting for the commit), so the report, the refused rows and the review queue show
//! at once. Both then bring in their old lists of open case files and of foster carers
//! with the children placed with them, committed: the placements are paid by the next
//! run.

use skrb_domain::import::{Choice, Kind};
use skrb_import::{batches, commit, example, profiles};
use skrb_kit::centre::cli_actor;
use skrb_kit::db::Db;

pub async fn generate(db: &Db) -> anyhow::Result<usize> {
    let (Ok(velenje), Ok(trebinje)) = (
        cli_actor(
            db,
            &Some("csd-velenje".into()),
            &Some("vodja".into()),
            "demo",
        )
        .await,
        cli_actor(
            db,
            &Some("csr-trebinje".into()),
            &Some("trebinje-vodja".into()),
            "demo",
        )
        .await,
    ) else {
        return Ok(0);
    };
    let e = |e: skrb_kit::error::AppError| anyhow::anyhow!("{e:?}");
    let mut rows = 0;
    for (who, xlsx) in [(&velenje, false), (&trebinje, true)] {
        let centre = batches::centre_of(who).map_err(e)?;
        let ex = example::old_register(db, who, skrb_import::web::EXAMPLE_HOUSEHOLDS)
            .await
            .map_err(e)?;
        let (name, bytes) = if xlsx {
            ("stari-register.xlsx", ex.xlsx)
        } else {
            ("stari-register.csv", ex.csv)
        };
        let id = batches::upload(db, who, centre, Kind::Persons, name, bytes, None, None)
            .await
            .map_err(e)?
            .id();
        let (b, _) = batches::get(db, who, id).await.map_err(e)?;
        let settings = b.settings.unwrap_or_default();
        profiles::save(
            db,
            who,
            centre,
            Kind::Persons,
            if xlsx {
                "Стари регистар"
            } else {
                "Stari register"
            },
            &settings,
        )
        .await
        .map_err(e)?;
        let c = batches::check(db, who, id, settings, &mut |_| {})
            .await
            .map_err(e)?;
        rows += c.rows as usize;
        if !xlsx {
            commit::commit(db, who, id, commit::Sets::default(), &mut |_, _| {})
                .await
                .map_err(e)?;
        }
        for kind in [Kind::Cases, Kind::Carers] {
            let ex = example::of(db, who, kind).await.map_err(e)?;
            let (name, bytes) = match (kind, xlsx) {
                (Kind::Cases, false) => ("stari-spisi.csv", ex.csv),
                (Kind::Cases, true) => ("stari-predmeti.xlsx", ex.xlsx),
                (_, false) => ("stari-rejniki.csv", ex.csv),
                (_, true) => ("stari-hranitelji.xlsx", ex.xlsx),
            };
            let id = batches::upload(db, who, centre, kind, name, bytes, None, None)
                .await
                .map_err(e)?
                .id();
            let (b, _) = batches::get(db, who, id).await.map_err(e)?;
            let c = batches::check(db, who, id, b.settings.unwrap_or_default(), &mut |_| {})
                .await
                .map_err(e)?;
            rows += c.rows as usize;
            // The repeated case file is a duplicate in the file: the reviewer skips it.
            batches::decide(db, who, id, None, Choice::Skip, false)
                .await
                .map_err(e)?;
            commit::commit(db, who, id, commit::Sets::default(), &mut |_, _| {})
                .await
                .map_err(e)?;
        }
    }
    Ok(rows)
}
