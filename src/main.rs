//! The `calltrail` binary: `serve` (default), `simulate`, `user`, `bench`,
//! `crash-check`, `backup` and `restore`.

use calltrail::server::cli::{
    self, backup, bench, client, crash_check, serve, simulate, tokens, users,
};
use calltrail::server::config::{Command, LogFormat};
use calltrail::server::store;

fn main() -> std::process::ExitCode {
    // Before any thread: it decides how many malloc arenas there will be.
    calltrail::server::cli::memory::limit_malloc_arenas();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(run()),
        Err(e) => {
            eprintln!("calltrail: cannot start the async runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> std::process::ExitCode {
    let cli = cli::parse();
    let command = cli
        .command
        .unwrap_or_else(|| Command::Serve(Box::new(cli.serve)));
    let format = match &command {
        Command::Serve(config) => config.log_format,
        _ => LogFormat::Text,
    };
    // Bulk work in the bench trips the database driver's slow-statement
    // warning; only the server's own statements are worth warning about.
    let driver_level = if matches!(command, Command::Serve(_)) {
        "warn"
    } else {
        "error"
    };
    // Only the server logs to standard output: the other commands print
    // their results there (`$(calltrail token create …)` takes the token).
    let to_stdout = matches!(command, Command::Serve(_));
    init_tracing(format, driver_level, to_stdout);
    let result = match command {
        Command::Serve(config) => serve::run(*config).await,
        Command::Simulate(config) => simulate::run(config).await,
        Command::User(command) => users::run(command).await,
        Command::Bench(config) => bench::run(config).await,
        Command::CrashCheck(config) => crash_check::run(config).await,
        Command::Backup(args) => backup::run_backup(args).await,
        Command::Restore(args) => backup::run_restore(args).await,
        Command::MigrateData(args) => backup::run_migrate_data(args).await,
        Command::Token(command) => tokens::run(command).await,
        Command::Calls(args) => client::calls::run(args).await,
        Command::Call(args) => client::call::run(args).await,
        Command::Tail(args) => client::tail::run(args).await,
        Command::Alerts(args) => client::alerts::run(args).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // Output piped to a reader that stopped (`| head`) is not a failure.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("calltrail: {e:#}");
            // The API client's failures say which kind they are.
            match e.downcast_ref::<client::Failure>() {
                Some(failure) => std::process::ExitCode::from(failure.code),
                None => std::process::ExitCode::FAILURE,
            }
        }
    }
}

fn init_tracing(format: LogFormat, driver_level: &str, to_stdout: bool) {
    use tracing_subscriber::fmt::writer::BoxMakeWriter;
    use tracing_subscriber::EnvFilter;
    // The access log (one line per request) is named on its own, so it stays
    // on while tower_http's per-request noise stays off.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new(format!(
            "info,calltrail::access=info,tower_http=warn,{}={driver_level},leptos_axum=warn",
            store::DRIVER_LOG_TARGET
        ))
    });
    let writer = if to_stdout {
        BoxMakeWriter::new(std::io::stdout)
    } else {
        BoxMakeWriter::new(std::io::stderr)
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}
