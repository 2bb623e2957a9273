//! The rows that could not go in, as a file to fix and bring in again: the file's own
//! columns as they were read, then why each row was refused (in the reader's language)
//! and its line. The mapping reads columns by heading, so the two extra columns do not
//! stand in the way of importing the fixed file.

use skrb_kit::audit::Actor;
use skrb_kit::db::Db;
use skrb_kit::error::AppResult;
use skrb_kit::export::{self, Bind, Download, Format, Listing};
use skrb_kit::i18n::{t, Locale};
use skrb_kit::sheet::Cell;

use crate::check::Problem;

pub async fn download(
    read: &Db,
    db: &Db,
    actor: &Actor,
    id: i64,
    l: Locale,
    format: Format,
) -> AppResult<Download> {
    let (b, _) = crate::batches::get(db, actor, id).await?;
    let width = b.headings.len();
    let mut columns = b.headings.clone();
    columns.push(t(l, "import-reason"));
    columns.push(t(l, "import-row"));
    let list = Listing {
        sql: "SELECT row_no, source, problems FROM import_row WHERE batch_id = $1 AND status = 'invalid' ORDER BY row_no"
            .into(),
        binds: vec![Bind::I(id)],
        title: t(l, "import-invalid-title"),
        columns,
        name: "invalid-rows",
        entity: "import_batch",
        detail: serde_json::json!({ "import": id, "rows": "invalid" }),
    };
    export::download(
        read,
        db,
        actor,
        list,
        format,
        move |(row, source, problems): (i64, String, Option<String>)| {
            let mut cells: Vec<String> = serde_json::from_str(&source).unwrap_or_default();
            cells.resize(width, String::new());
            let problems: Vec<Problem> = problems
                .as_deref()
                .and_then(|p| serde_json::from_str(p).ok())
                .unwrap_or_default();
            let why = problems
                .iter()
                .filter(|p| !p.warning)
                .map(|p| p.render(l))
                .collect::<Vec<_>>()
                .join("; ");
            let mut out: Vec<Cell> = cells.into_iter().map(Cell::Text).collect();
            out.push(Cell::Text(why));
            out.push(Cell::Count(row));
            out
        },
    )
    .await
}
