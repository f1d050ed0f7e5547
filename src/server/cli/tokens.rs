//! `calltrail token create`: an API token from the server's shell, printed
//! once, for automated set-ups and tests.

use anyhow::{bail, Context};

use crate::server::app::api_tokens;
use crate::server::config::{TokenCommand, TokenCreateArgs};
use crate::server::store::prelude::*;
use crate::server::store::Store;

pub async fn run(command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create(args) => create(args).await,
    }
}

async fn create(args: TokenCreateArgs) -> anyhow::Result<()> {
    let store = Store::open(&args.db, std::sync::Arc::new(|_| {}))
        .await
        .with_context(|| format!("opening the database {}", args.db))?;
    let name = args.user.trim();
    let Some(user) = store.user_by_name(name).await? else {
        bail!("there is no account named {name:?} (make one with `calltrail user add`)");
    };
    if user.is_disabled() {
        bail!("the account {name:?} is disabled; enable it first");
    }
    let token = api_tokens::create(
        &store,
        user.id,
        args.name.trim(),
        args.scope,
        args.expires.0,
    )
    .await?;
    let actor = crate::server::app::audit::Actor::new("(shell)", None);
    let summary = format!("made the {} token {:?} for {name}", args.scope, args.name);
    crate::server::app::audit::record(&store, &actor, "token.create", name, &summary).await;
    // The token alone on stdout, so `$(calltrail token create …)` takes it.
    println!("{token}");
    eprintln!(
        "made a {} token for {name:?} ({}); it is shown this once",
        args.scope,
        match args.expires.0 {
            Some(ms) if ms % 86_400_000 == 0 => format!("works for {} days", ms / 86_400_000),
            Some(ms) => format!("works for {} hours", ms / 3_600_000),
            None => "works until revoked".to_string(),
        }
    );
    Ok(())
}
