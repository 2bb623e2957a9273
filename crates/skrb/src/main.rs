/// mimalloc rather than the system's allocator: bulk jobs (a payment run, a renewal, the
/// demo generator) allocate and free millions of small values, and glibc's malloc spent
/// an eighth of a payment run on it, most of that in freeing and merging chunks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    give_back_freed_pages_soon();
    skrb::cli::main()
}

/// mimalloc's position of `purge_delay` among its options: the same in its v2 and v3
/// headers (`mi_option_e`), and the crate names no constant for it. The test below holds
/// it to the option that `MIMALLOC_PURGE_DELAY` sets, so an upgrade that moves it fails.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// How long mimalloc keeps freed pages before it gives them back to the system. mimalloc
/// v3 waits a second, so the pages a page or a bulk job freed are still counted while
/// the next one runs. Skrb allocates in bursts (a request, a batch of a job), so giving
/// pages back at once costs nothing measurable, and the country bench's peak fell from
/// 569–605 MB to 496–514 MB (ARCHITECTURE.md, "Freed pages go back at once").
const PURGE_DELAY_MS: std::ffi::c_long = 0;

unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    #[cfg(test)]
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
}

fn give_back_freed_pages_soon() {
    // SAFETY: mimalloc's options are plain integers it reads when it purges; setting one
    // at start-up, before any thread is spawned, races with nothing.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option at `MI_OPTION_PURGE_DELAY` is the one mimalloc's own environment
    /// variable for the purge delay sets: asked in a child process (mimalloc reads its
    /// environment when the process starts) started with it.
    #[test]
    fn the_purge_delay_is_the_option_mimalloc_calls_so() {
        const CHILD: &str = "SKRB_PURGE_DELAY_CHILD";
        if std::env::var_os(CHILD).is_some() {
            // SAFETY: reading an option has no side effect.
            let got = unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) };
            assert_eq!(
                got, 4321,
                "option {MI_OPTION_PURGE_DELAY} is not the purge delay"
            );
            return;
        }
        let me = std::env::current_exe().expect("the test binary's path");
        let out = std::process::Command::new(me)
            .args([
                "--exact",
                "tests::the_purge_delay_is_the_option_mimalloc_calls_so",
            ])
            .env(CHILD, "1")
            .env("MIMALLOC_PURGE_DELAY", "4321")
            .output()
            .expect("the test binary runs again");
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{said}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(said.contains("1 passed"), "the child ran no test: {said}");
    }
}
