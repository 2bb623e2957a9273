//! The optional second factor: TOTP (RFC 6238, the codes of any authenticator app) and
//! single-use recovery codes for a lost phone.

use crate::audit::Action;
use rand::{Rng, RngCore};
use time::OffsetDateTime;
use totp_rs::{Algorithm, Secret, TOTP};

use super::sessions::token_hash;
use crate::audit::{self, Actor, Event};
use crate::db::Db;
use crate::{sql, sql_pool};

const ISSUER: &str = "Skrb";
const STEP: u64 = 30;
pub const RECOVERY_CODES: usize = 10;

fn totp(secret_b32: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, STEP, bytes).ok()
}

/// What the user needs to add Skrb to an authenticator app.
pub struct Enrolment {
    pub secret: String,
    pub url: String,
    /// The URL as a QR code, an SVG image.
    pub qr_svg: String,
}

fn enrolment(username: &str, secret: String) -> Enrolment {
    let url = format!(
        "otpauth://totp/{ISSUER}:{}?secret={secret}&issuer={ISSUER}&algorithm=SHA1&digits=6&period={STEP}",
        crate::web::errors::encode_component(username)
    );
    let qr_svg = qrcode::QrCode::new(url.as_bytes())
        .map(|q| {
            q.render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .build()
        })
        .unwrap_or_default();
    Enrolment {
        secret,
        url,
        qr_svg,
    }
}

/// Starts (or restarts) setting up TOTP: a new secret, kept aside until a code from it
/// has been typed back, so a half-finished set-up never locks the user out.
pub async fn begin(db: &Db, user_id: i64, username: &str) -> Result<Enrolment, sqlx::Error> {
    let existing: Option<String> = sql_pool!(db, p => sqlx::query_scalar(
        "SELECT totp_pending FROM app_user WHERE id = $1")
        .bind(user_id).fetch_optional(p).await?)
    .flatten();
    let secret = match existing {
        Some(s) => s,
        None => {
            let mut bytes = [0u8; 20];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let s = match Secret::Raw(bytes.to_vec()).to_encoded() {
                Secret::Encoded(s) => s,
                Secret::Raw(_) => String::new(),
            };
            let mut tx = db.begin().await?;
            sql!(&mut tx, c => sqlx::query("UPDATE app_user SET totp_pending = $1 WHERE id = $2")
                .bind(&s).bind(user_id).execute(c).await?.rows_affected());
            tx.commit().await?;
            s
        }
    };
    Ok(enrolment(username, secret))
}

/// The time step whose code matches, if any, one step either side for clock drift.
fn matching_step(secret: &str, code: &str, after: Option<i64>) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret)?;
    let now = OffsetDateTime::now_utc().unix_timestamp().max(0) as u64 / STEP;
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .map(|s| s as i64)
        .filter(|s| after.is_none_or(|a| *s > a))
        .find(|s| {
            let expected = t.generate(*s as u64 * STEP);
            constant_eq(expected.as_bytes(), code.as_bytes())
        })
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Finishes set-up when the code from the new secret is right; returns the recovery
/// codes, shown once (only their hashes are kept).
pub async fn confirm(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    code: &str,
) -> Result<Option<Vec<String>>, sqlx::Error> {
    let pending: Option<String> = sql_pool!(db, p => sqlx::query_scalar(
        "SELECT totp_pending FROM app_user WHERE id = $1")
        .bind(user_id).fetch_optional(p).await?)
    .flatten();
    let Some(secret) = pending else {
        return Ok(None);
    };
    let Some(step) = matching_step(&secret, code, None) else {
        return Ok(None);
    };
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
    let mut tx = db.begin().await?;
    sql!(&mut tx, c => sqlx::query(
        "UPDATE app_user SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1 WHERE id = $2")
        .bind(step).bind(user_id).execute(c).await?.rows_affected());
    sql!(&mut tx, c => sqlx::query("DELETE FROM recovery_code WHERE user_id = $1")
        .bind(user_id).execute(c).await?.rows_affected());
    for code in &codes {
        sql!(&mut tx, c => sqlx::query("INSERT INTO recovery_code (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id).bind(token_hash(&normalise(code))).execute(c).await?.rows_affected());
    }
    let mut e = Event::new(Action::TotpEnabled, "user", user_id);
    e.person_id = None;
    audit::record(&mut tx, actor, e).await?;
    tx.commit().await?;
    Ok(Some(codes))
}

/// Ten characters from an alphabet without look-alikes, shown as `xxxxx-xxxxx`.
fn recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    let s: String = (0..10)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &s[..5], &s[5..])
}

fn normalise(code: &str) -> String {
    code.trim().to_lowercase().replace(['-', ' '], "")
}

/// Checks a sign-in's second factor: a TOTP code (each code works once) or an unused
/// recovery code (then used up). Records nothing itself; the caller audits the outcome.
pub async fn check(db: &Db, user_id: i64, code: &str) -> Result<bool, sqlx::Error> {
    let row: Option<(Option<String>, Option<i64>)> = sql_pool!(db, p => sqlx::query_as(
        "SELECT totp_secret, totp_last_step FROM app_user WHERE id = $1")
        .bind(user_id).fetch_optional(p).await?);
    let Some((Some(secret), last)) = row else {
        return Ok(false);
    };
    let mut tx = db.begin().await?;
    if let Some(step) = matching_step(&secret, code, last) {
        sql!(&mut tx, c => sqlx::query("UPDATE app_user SET totp_last_step = $1 WHERE id = $2")
            .bind(step).bind(user_id).execute(c).await?.rows_affected());
        tx.commit().await?;
        return Ok(true);
    }
    let n = sql!(&mut tx, c => sqlx::query(
        "UPDATE recovery_code SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
        .bind(OffsetDateTime::now_utc()).bind(user_id).bind(token_hash(&normalise(code)))
        .execute(c).await?.rows_affected());
    tx.commit().await?;
    Ok(n == 1)
}

/// Unused recovery codes left.
pub async fn recovery_left(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    sql_pool!(db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_code WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id).fetch_one(p).await)
}

/// Removes the second factor (by the user, or by an administrator for a lost phone).
pub async fn disable(db: &Db, actor: &Actor, user_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sql!(&mut tx, c => sqlx::query(
        "UPDATE app_user SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL WHERE id = $1")
        .bind(user_id).execute(c).await?.rows_affected());
    sql!(&mut tx, c => sqlx::query("DELETE FROM recovery_code WHERE user_id = $1")
        .bind(user_id).execute(c).await?.rows_affected());
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::TotpDisabled, "user", user_id),
    )
    .await?;
    tx.commit().await
}

/// The code `steps` time steps from now (tests, and nothing else, need to make codes).
pub fn code_at_offset(secret_b32: &str, steps: i64) -> Option<String> {
    let now = OffsetDateTime::now_utc().unix_timestamp() + steps * STEP as i64;
    totp(secret_b32).map(|t| t.generate(now.max(0) as u64))
}
