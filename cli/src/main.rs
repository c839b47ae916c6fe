//! `azk`: see the library (`src/lib.rs`) for what it does, and `azk --help`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    azk_cli::main().await
}
