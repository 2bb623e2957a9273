//! Group commit of the records of reads.
//!
//! Every read of a person's data is recorded before the data is handed out, and on its
//! own short transaction (a read holds no write lock while it queries). One durable
//! commit per read makes the disk's flush the server's limit wherever a flush takes
//! milliseconds: SQLite has one writer, and every commit waits for the disk, so under
//! load requests queue for it. The journal gathers
//! the records that arrive while one group is being written and writes the next group in
//! one transaction; each request is still answered only once its own record is durable,
//! so the promise that no read goes unrecorded holds. Under light load a group is one
//! record and nothing waits longer than before.

use tokio::sync::{mpsc, oneshot};

use super::{Actor, Event, BULK_COLUMNS};
use crate::bulk::Cell;
use crate::db::Db;

/// At most this many records go into one transaction; more wait for the next.
const GROUP: usize = 512;

/// A record waiting for its group, and where to say that it is durable.
struct Pending {
    row: Vec<Cell>,
    done: oneshot::Sender<Result<(), sqlx::Error>>,
}

/// Appends one record and returns once it is durable (see the module's comment).
pub(super) async fn append(db: &Db, actor: &Actor, e: &Event<'_>) -> Result<(), sqlx::Error> {
    let row = super::row_of(actor, e);
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        return write_one(db, row).await;
    };
    // The writer starts with the first record, on the runtime of whoever writes it. Its
    // own handle on the pool has a journal of its own that it never starts, so the
    // writer ends when the last clone of the database is dropped.
    let queue = db.journal().get_or_init(|| {
        let (send, receive) = mpsc::unbounded_channel::<Pending>();
        handle.spawn(writer(Db::of(db.pool().clone()), receive));
        send
    });
    let Some(queue) = queue else {
        return write_one(db, row).await;
    };
    let (done, answer) = oneshot::channel();
    let pending = Pending {
        row: row.clone(),
        done,
    };
    if let Err(refused) = queue.send(pending) {
        // The writer is gone (its runtime ended): write this one directly.
        return write_one(db, refused.0.row).await;
    }
    match answer.await {
        Ok(result) => result,
        // The writer was dropped before it answered, so its group never committed.
        Err(_) => write_one(db, row).await,
    }
}

/// Writes the records that have arrived, group after group, until every sender is gone.
async fn writer(db: Db, mut receive: mpsc::UnboundedReceiver<Pending>) {
    let mut group = Vec::with_capacity(GROUP);
    while receive.recv_many(&mut group, GROUP).await > 0 {
        let rows: Vec<Vec<Cell>> = group.iter().map(|p| p.row.clone()).collect();
        match write(&db, &rows).await {
            Ok(()) => {
                for p in group.drain(..) {
                    let _ = p.done.send(Ok(()));
                }
            }
            // One bad record must not fail the others: each is tried on its own.
            Err(_) => {
                for p in group.drain(..) {
                    let _ = p.done.send(write_one(&db, p.row).await);
                }
            }
        }
    }
}

async fn write(db: &Db, rows: &[Vec<Cell>]) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    crate::bulk::insert(&mut tx, "audit_log", &BULK_COLUMNS, rows).await?;
    tx.commit().await
}

async fn write_one(db: &Db, row: Vec<Cell>) -> Result<(), sqlx::Error> {
    write(db, std::slice::from_ref(&row)).await
}
