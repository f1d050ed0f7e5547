//! `calltrail user add` and `calltrail user reset-password`.

use std::io::BufRead;

use anyhow::{bail, Context};

use crate::server::config::{UserArgs, UserCommand};
use crate::server::http::auth::password;
use crate::server::store::prelude::*;
use crate::server::store::Store;

pub async fn run(command: UserCommand) -> anyhow::Result<()> {
    let (args, adding) = match command {
        UserCommand::Add(args) => (args, true),
        UserCommand::ResetPassword(args) => (args, false),
    };
    let store = Store::open(&args.db, std::sync::Arc::new(|_| {}))
        .await
        .with_context(|| format!("opening the database {}", args.db))?;
    let username = args.username.trim();
    let secret = read_password(&args)?;
    password::check_new(username, &secret).map_err(anyhow::Error::msg)?;
    let hash = password::hash(secret).await;
    if adding {
        if store.create_user(username, &hash).await?.is_none() {
            bail!("an account named {username:?} already exists (use `calltrail user reset-password`)");
        }
        println!("added the account {username:?}");
    } else {
        if !store.set_password(username, &hash).await? {
            bail!("there is no account named {username:?}");
        }
        println!("set a new password for {username:?}; its sessions are signed out");
    }
    Ok(())
}

fn read_password(args: &UserArgs) -> anyhow::Result<String> {
    if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password(format!("Password for {}: ", args.username))
        .context("reading the password (use --password-stdin when there is no terminal)")?;
    let again = rpassword::prompt_password("Again: ")?;
    if first != again {
        bail!("the two passwords differ");
    }
    Ok(first)
}
