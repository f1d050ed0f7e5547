//! `calltrail user add`, `user reset-password` and `user set-role`: accounts
//! from the server's shell, for automated set-ups.

use std::io::BufRead;

use anyhow::{bail, Context};

use crate::model::AccountRole;
use crate::server::config::{Database, UserArgs, UserCommand};
use crate::server::http::auth::password;
use crate::server::store::prelude::*;
use crate::server::store::users::AccountChange;
use crate::server::store::Store;

pub async fn run(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add(args) => add(&args.user, args.role).await,
        UserCommand::ResetPassword(args) => reset(&args).await,
        UserCommand::SetRole(args) => set_role(&args.db, &args.username, args.role).await,
    }
}

async fn open(db: &Database) -> anyhow::Result<Store> {
    Store::open(db, std::sync::Arc::new(|_| {}))
        .await
        .with_context(|| format!("opening the database {db}"))
}

async fn add(args: &UserArgs, role: AccountRole) -> anyhow::Result<()> {
    let store = open(&args.db).await?;
    let username = args.username.trim();
    let hash = new_password_hash(args).await?;
    if store.create_user(username, &hash, role).await?.is_none() {
        bail!("an account named {username:?} already exists (use `calltrail user reset-password`)");
    }
    println!("added the account {username:?} ({role})");
    Ok(())
}

async fn reset(args: &UserArgs) -> anyhow::Result<()> {
    let store = open(&args.db).await?;
    let username = args.username.trim();
    let hash = new_password_hash(args).await?;
    if !store.set_password(username, &hash).await? {
        bail!("there is no account named {username:?}");
    }
    println!("set a new password for {username:?}; its sessions are signed out");
    Ok(())
}

async fn set_role(db: &Database, username: &str, role: AccountRole) -> anyhow::Result<()> {
    let store = open(db).await?;
    let Some(user) = store.user_by_name(username.trim()).await? else {
        bail!("there is no account named {username:?}");
    };
    match store.set_role(user.id, role).await? {
        AccountChange::Changed => {
            println!("{:?} is now {role} (was {})", user.username, user.role);
            Ok(())
        }
        AccountChange::NoSuchUser => bail!("there is no account named {username:?}"),
        AccountChange::LastAdmin => bail!(
            "{:?} is the last enabled admin; make another account admin first",
            user.username
        ),
    }
}

async fn new_password_hash(args: &UserArgs) -> anyhow::Result<String> {
    let secret = read_password(args)?;
    password::check_new(args.username.trim(), &secret).map_err(anyhow::Error::msg)?;
    Ok(password::hash(secret).await)
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
