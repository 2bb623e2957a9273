fn main() -> std::process::ExitCode {
    skrb::cli::main()
}
