//! Rebuilds when a migration is added: `sqlx::migrate!` reads the folders at compile
//! time, and cargo would otherwise not know that a new file there changes the program.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
