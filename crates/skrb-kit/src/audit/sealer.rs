//! The sealer: while the server runs, it links new audit records into the chain every
//! quarter second and signs a checkpoint of the head when one is due.

use crate::db::Db;

use super::chain::seal;

/// Seals every quarter second while the server runs, and signs a checkpoint of the
/// head when one is due.
pub fn spawn(db: Db, mut checkpoints: Option<super::checkpoint::Checkpointer>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(250));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = seal(&db).await {
                tracing::error!(error = %e, "cannot seal the audit log");
                continue;
            }
            if let Some(c) = checkpoints.as_mut() {
                if let Err(e) = c.maybe(&db, false).await {
                    tracing::error!(error = %format!("{e:#}"), "cannot write an audit checkpoint");
                }
            }
        }
    });
}
