//! The `skrb` binary as an operator uses it.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::harness::{fresh_db, Backend};

fn skrb(url: &str, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_skrb"))
        .args(args)
        .env("SKRB_DATABASE_URL", url)
        .env_remove("SKRB_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run skrb");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

async fn users_and_migrations(backend: Backend) {
    let (db, url, _guard) = fresh_db(backend).await;
    let (ok, out, _) = skrb(&url, &["migrate"], None);
    assert!(ok);
    assert!(
        out.contains(&format!("version {}", db.known_version())),
        "{out}"
    );
    let (ok, out, err) = skrb(
        &url,
        &[
            "user",
            "add",
            "vesna",
            "--role",
            "head_of_unit",
            "--name",
            "Vesna V.",
            "--password-stdin",
        ],
        Some("a long enough secret\n"),
    );
    assert!(ok, "{err}");
    assert!(out.contains("vesna"));
    // Too short, duplicate, unknown role: refused with a message and exit code 1.
    let (ok, _, err) = skrb(
        &url,
        &["user", "add", "x1", "--role", "auditor", "--password-stdin"],
        Some("short"),
    );
    assert!(!ok && err.contains("at least 10"), "{err}");
    let (ok, _, err) = skrb(
        &url,
        &[
            "user",
            "add",
            "vesna",
            "--role",
            "auditor",
            "--password-stdin",
        ],
        Some("another long secret"),
    );
    assert!(!ok && err.contains("already exists"), "{err}");
    let (ok, _, err) = skrb(
        &url,
        &["user", "add", "y1", "--role", "king", "--password-stdin"],
        Some("another long secret"),
    );
    assert!(!ok && err.contains("unknown role"), "{err}");
    let (ok, out, _) = skrb(&url, &["user", "list"], None);
    assert!(
        ok && out.contains("vesna") && out.contains("head_of_unit") && out.contains("active"),
        "{out}"
    );
    let (ok, _, _) = skrb(
        &url,
        &["user", "set-password", "vesna", "--password-stdin"],
        Some("a brand new secret"),
    );
    assert!(ok);
    let row = skrb::auth::users::find_by_username(&db, "vesna")
        .await
        .unwrap()
        .unwrap();
    assert!(skrb::auth::password::verify(
        "a brand new secret",
        &row.password_hash
    ));
    let (ok, _, _) = skrb(&url, &["user", "disable", "vesna"], None);
    assert!(ok);
    let (_, out, _) = skrb(&url, &["user", "list"], None);
    assert!(out.contains("disabled"));
    let (ok, _, err) = skrb(&url, &["user", "disable", "nobody"], None);
    assert!(!ok && err.contains("no user nobody"));
    // A schema from a newer Skrb stops every command with a clear message.
    skrb::sql_pool!(&db, p => {
        sqlx::query("INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
                     VALUES (99990101000000, 'future', CURRENT_TIMESTAMP, TRUE, $1, 0)")
            .bind(vec![0u8; 48]).execute(p).await.unwrap();
    });
    let (ok, _, err) = skrb(&url, &["migrate"], None);
    assert!(!ok && err.contains("newer than this Skrb knows"), "{err}");
    let (ok, _, err) = skrb(&url, &["serve", "--bind", "127.0.0.1:0"], None);
    assert!(!ok && err.contains("newer than this Skrb knows"), "{err}");
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_and_migrations_sqlite() {
    users_and_migrations(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_and_migrations_postgres() {
    users_and_migrations(Backend::Postgres).await
}

#[test]
fn config_precedence_and_masking() {
    let dir = std::env::temp_dir().join(format!("skrb-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("skrb.toml");
    std::fs::write(&file, "database_url = \"postgres://skrb:s3cret@db.local/skrb\"\nbind = \"0.0.0.0:9000\"\ndefault_locale = \"sr-Latn\"\n").unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_skrb"));
        c.args(args)
            .env_remove("SKRB_DATABASE_URL")
            .env_remove("SKRB_BIND")
            .env_remove("SKRB_CONFIG");
        for (k, v) in env {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).to_string(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    let f = file.to_string_lossy().to_string();
    let (ok, out, _) = run(&["--config", &f, "config", "check"], &[]);
    assert!(ok);
    assert!(
        out.contains("postgres://skrb:****@db.local/skrb") && !out.contains("s3cret"),
        "{out}"
    );
    assert!(
        out.contains("bind = \"0.0.0.0:9000\"") && out.contains("default_locale = \"sr-Latn\"")
    );
    // The environment beats the file; a flag beats the environment.
    let (_, out, _) = run(
        &["--config", &f, "config", "check"],
        &[("SKRB_DATABASE_URL", "sqlite://env.db")],
    );
    assert!(out.contains("sqlite://env.db"), "{out}");
    let (_, out, _) = run(
        &[
            "--config",
            &f,
            "--database-url",
            "sqlite://flag.db",
            "config",
            "check",
        ],
        &[("SKRB_DATABASE_URL", "sqlite://env.db")],
    );
    assert!(out.contains("sqlite://flag.db"), "{out}");
    // Defaults without a file.
    let (_, out, _) = run(&["config", "check"], &[]);
    assert!(
        out.contains("sqlite://skrb.db") && out.contains("127.0.0.1:8080"),
        "{out}"
    );
    // A broken file is named.
    std::fs::write(&file, "bind = [").unwrap();
    let (ok, _, err) = run(&["--config", &f, "config", "check"], &[]);
    assert!(!ok && err.contains("invalid configuration file"), "{err}");
    let (ok, out, _) = run(&["user", "--help"], &[]);
    assert!(ok && out.contains("set-password") && out.contains("disable"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `skrb demo` creates the demo centre once and serves; here without serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_generates_valid_data() {
    let (db, url, _guard) = fresh_db(Backend::Sqlite).await;
    let (ok, out, err) = skrb(&url, &["demo", "--no-serve", "--persons", "120"], None);
    assert!(ok, "{err}");
    assert!(
        out.contains("admin") && out.contains("head_of_unit"),
        "{out}"
    );
    let (ok, _, err) = skrb(&url, &["demo", "--no-serve", "--persons", "120"], None);
    assert!(ok, "reuse: {err}");
    // The persons generated (the example of an old register the demo imports aside).
    let rows: Vec<(String, Option<String>, Option<String>)> = skrb::sql_pool!(&db, p => sqlx::query_as(
        "SELECT family_name, emso, iban FROM person WHERE id NOT IN (SELECT r.target_id FROM import_row r JOIN import_batch b ON b.id = r.batch_id \
         WHERE b.kind = 'persons' AND r.target_id IS NOT NULL)")
        .fetch_all(p).await.unwrap());
    let imports: i64 = skrb::sql_pool!(&db, p => sqlx::query_scalar("SELECT COUNT(*) FROM import_batch").fetch_one(p).await.unwrap());
    assert_eq!(
        imports, 6,
        "each centre's examples (persons, case files, foster carers) imported once"
    );
    assert!(
        rows.len() >= 120 && rows.len() < 130,
        "generated once: {}",
        rows.len()
    );
    for (name, emso, iban) in &rows {
        let n = skrb_domain::emso::PersonalNumber::parse(emso.as_deref().unwrap()).unwrap();
        assert!(n.findings().is_empty(), "{name}: {n}");
        if let Some(i) = iban {
            assert!(skrb_domain::iban::Iban::parse(i).is_ok(), "{i}");
        }
    }
    assert!(
        rows.iter()
            .any(|r| r.0.chars().any(|c| ('\u{400}'..'\u{500}').contains(&c))),
        "some Cyrillic names"
    );
    assert!(
        rows.iter()
            .any(|r| r.0.contains('č') || r.0.contains('š') || r.0.contains('ž')),
        "Slovenian names"
    );
    let full: Vec<(String, String)> = skrb::sql_pool!(&db, p => sqlx::query_as("SELECT given_name, family_name FROM person").fetch_all(p).await.unwrap());
    let cyr = |t: &str| t.chars().any(|c| ('\u{400}'..'\u{500}').contains(&c));
    assert!(
        full.iter().all(|(g, f)| cyr(g) == cyr(f)),
        "one script per name"
    );
    // A partner's account is linked to its organisation from the command line.
    let (ok, out, err) = skrb(&url, &["user", "set-partner", "sola", "none"], None);
    assert!(ok && out.contains("no partner"), "{out}{err}");
    let linked: Option<i64> = skrb::sql_pool!(&db, p => sqlx::query_scalar("SELECT partner_id FROM app_user WHERE username = 'sola'").fetch_one(p).await.unwrap());
    assert_eq!(linked, None);
    let partner: i64 = skrb::sql_pool!(&db, p => sqlx::query_scalar("SELECT MIN(id) FROM partner").fetch_one(p).await.unwrap());
    let (ok, _, err) = skrb(
        &url,
        &["user", "set-partner", "sola", &partner.to_string()],
        None,
    );
    assert!(ok, "{err}");
    let (ok, _, err) = skrb(
        &url,
        &["user", "set-partner", "admin", &partner.to_string()],
        None,
    );
    assert!(
        !ok && err.contains("partner"),
        "only partner accounts: {err}"
    );
    let municipalities: Vec<String> = skrb::sql_pool!(&db, p => sqlx::query_scalar("SELECT name FROM municipality").fetch_all(p).await.unwrap());
    for m in ["Velenje", "Šoštanj", "Šmartno ob Paki"] {
        assert!(municipalities.contains(&m.to_string()));
    }
    db.close().await;
}

/// `skrb audit verify | head -1`: a reader that stops reading ends the command quietly
/// (SIGPIPE, as other tools end), never with a panic's stack trace.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_pipe_ends_a_command_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let (db, url, _guard) = fresh_db(Backend::Sqlite).await;
    db.close().await;
    let (ok, _, err) = skrb(
        &url,
        &[
            "user",
            "add",
            "vesna",
            "--role",
            "social_worker",
            "--password-stdin",
        ],
        Some("a long enough secret\n"),
    );
    assert!(ok, "{err}");
    for args in [&["audit", "verify"][..], &["user", "list"][..]] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        // The reader is gone before the command writes its first line.
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_skrb"))
            .args(args)
            .env("SKRB_DATABASE_URL", &url)
            .env_remove("SKRB_CONFIG")
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("run skrb");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(
            out.status.signal(),
            Some(SIGPIPE),
            "{args:?}: {:?} {err}",
            out.status
        );
    }
}

/// The signal a write to a pipe without a reader raises (13 on Linux).
const SIGPIPE: i32 = 13;
