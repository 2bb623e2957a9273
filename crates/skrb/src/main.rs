/// mimalloc rather than the system's allocator: bulk jobs (a payment run, a renewal, the
/// demo generator) allocate and free millions of small values, and glibc's malloc spent
/// an eighth of a payment run on it, most of that in freeing and merging chunks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    skrb::cli::main()
}
