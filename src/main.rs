fn main() -> std::process::ExitCode {
    rsbench::cli::main()
}
