//! `/settings`: how much room the database takes and what it holds, the
//! retention limits in force (read-only: they come from the environment),
//! and how to back the data up.

use leptos::prelude::*;
use leptos_meta::Title;

use super::LoadError;
use crate::components::{FormNotice, Moment, Permitted};
use crate::model::settings::{size, thousands};
use crate::model::{Action, DatabaseInfo, RetentionSetting, SettingsPage as Data};
use crate::server_fns::load_settings;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_settings());
    view! {
        <Title text="Settings"/>
        <div class="page-head">
            <h1>"Settings"</h1>
            <a class="button" href="/settings" rel="external">"Refresh"</a>
        </div>
        <FormNotice/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the settings…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Data { database, retention, source_retention, redaction }) => view! {
                        <Permitted action=Action::Administer><Team/></Permitted>
                        <Database database/>
                        <Retention retention/>
                        <Permitted action=Action::Administer>
                            <SourceRetention sources=source_retention.clone()/>
                        </Permitted>
                        <Redaction mode=redaction.0.clone() sources=redaction.1.clone()/>
                        <Backup/>
                        <ApiTokens/>
                        <Password/>
                    }
                    .into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Database(database: DatabaseInfo) -> impl IntoView {
    let total = size(database.total_bytes());
    let parts = format!(
        "file {}, write-ahead log {}",
        size(database.file_bytes),
        size(database.wal_bytes)
    );
    let free = if database.free_bytes == 0 {
        "none".to_string()
    } else if database.incremental_vacuum {
        format!(
            "{} (given back to the disk within ten minutes)",
            size(database.free_bytes)
        )
    } else {
        format!(
            "{} (new rows reuse it; restoring a backup gives it back to the disk)",
            size(database.free_bytes)
        )
    };
    let calls = match database.live_calls {
        0 => thousands(database.calls),
        live => format!("{} ({} live)", thousands(database.calls), thousands(live)),
    };
    let oldest = match database.oldest_call_at {
        Some(at) => view! { <Moment at/> }.into_any(),
        None => "—".into_any(),
    };
    let empty = (database.calls == 0 && database.deliveries == 0).then(|| {
        view! {
            <p class="muted">
                "Nothing stored yet: calls appear once an agent posts events to the webhook URL "
                "shown on the " <a href="/">"Calls"</a> " page."
            </p>
        }
    });
    view! {
        <section class="settings-section" aria-labelledby="database-head">
            <h2 id="database-head">"Database"</h2>
            <dl class="facts">
                <dt>"File"</dt>
                <dd><code data-testid="db-path">{database.path}</code></dd>
                <dt>"Size"</dt>
                <dd data-testid="db-size">{total} " " <span class="muted">"(" {parts} ")"</span></dd>
                <dt>"Free inside the file"</dt>
                <dd>{free}</dd>
                <dt>"Calls"</dt>
                <dd data-testid="db-calls">{calls}</dd>
                <dt>"Events"</dt>
                <dd data-testid="db-events">{thousands(database.events)}</dd>
                <dt>"Deliveries"</dt>
                <dd data-testid="db-deliveries">{thousands(database.deliveries)}</dd>
                <dt>"Oldest call's last event"</dt>
                <dd>{oldest}</dd>
            </dl>
            {empty}
        </section>
    }
}

#[component]
fn Retention(retention: Vec<RetentionSetting>) -> impl IntoView {
    view! {
        <section class="settings-section" aria-labelledby="retention-head">
            <h2 id="retention-head">"Retention"</h2>
            <p class="muted">
                "Read from the environment at start-up: set the variable and restart calltrail "
                "to change a limit (0 turns it off). Live calls are never deleted."
            </p>
            <table class="settings-table">
                <thead>
                    <tr><th scope="col">"What"</th><th scope="col">"In force"</th><th scope="col">"Variable"</th></tr>
                </thead>
                <tbody>
                    {retention.into_iter().map(|s| {
                        let limit = match s.limit {
                            Some(limit) => view! { <span>{limit}</span> }.into_any(),
                            None => view! { <span class="muted">{format!("off — {}", s.when_off)}</span> }.into_any(),
                        };
                        view! {
                            <tr>
                                <td>{s.what}</td>
                                <td>{limit}</td>
                                <td><code>{s.variable}</code></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// Each source's own retention, for admins to set.
#[component]
fn SourceRetention(sources: Vec<(String, String, Option<u32>)>) -> impl IntoView {
    view! {
        <section class="settings-section" aria-labelledby="source-retention-head">
            <h2 id="source-retention-head">"Retention per source"</h2>
            <p class="muted">"Days each source's ended calls are kept after their last event, instead of the retention above. Blank: the installation's."</p>
            <form method="post" action="/settings/retention" class="stacked narrow">
                {sources.into_iter().map(|(name, label, days)| view! {
                    <label>{label} " "
                        <input type="number" min="1" name=format!("days_{name}")
                            value=days.map(|d| d.to_string()).unwrap_or_default() placeholder="installation's"/>
                    </label>
                }).collect_view()}
                <button type="submit" class="button">"Save retention"</button>
            </form>
        </section>
    }
}

/// When callers' sensitive data is redacted, as configured.
#[component]
fn Redaction(mode: String, sources: Vec<(String, String)>) -> impl IntoView {
    let says = |mode: &str| {
        match mode {
        "ingest" => "redacted before it is stored — this cannot be undone: nobody, admins included, can read what was taken out",
        "display" => "stored whole; restricted viewers (and forwards that ask) get it redacted",
        _ => "not redacted",
    }
    };
    let ingest = mode == "ingest" || sources.iter().any(|(_, m)| m == "ingest");
    view! {
        <section class="settings-section" aria-labelledby="redaction-head">
            <h2 id="redaction-head">"Callers' sensitive data"</h2>
            <p data-testid="redaction-mode">"Phone numbers, e-mail addresses, cards, national ids and addresses in what callers say: "
                <strong>{says(&mode)}</strong> "."</p>
            {(!sources.is_empty()).then(|| view! {
                <ul>{sources.into_iter().map(|(source, m)| view! { <li>{source} ": " {says(&m)}</li> }).collect_view()}</ul>
            })}
            {ingest.then(|| view! {
                <p class="notice notice-warn" role="note">"Redaction at ingest cannot be undone: the database never held what it took out."</p>
            })}
            <p class="muted">"Set by " <code>"CALLTRAIL_REDACTION"</code> " and the provisioning file's " <code>"[redaction]"</code> "."</p>
        </section>
    }
}

#[component]
fn Backup() -> impl IntoView {
    view! {
        <section class="settings-section" aria-labelledby="backup-head">
            <h2 id="backup-head">"Backup"</h2>
            <p>
                "On the server, " <code>"calltrail backup FILE"</code>
                " writes a consistent copy while calltrail keeps running. To restore, stop the server, run "
                <code>"calltrail restore FILE"</code> " and start it again."
            </p>
        </section>
    }
}

#[component]
fn Team() -> impl IntoView {
    view! {
        <section class="settings-section" aria-labelledby="team-head">
            <h2 id="team-head">"Team"</h2>
            <p><a href="/settings/users">"Users"</a> ": invite colleagues, set their roles, disable accounts. "
               <a href="/settings/audit">"Audit log"</a> ": who did what, and when."</p>
        </section>
    }
}

#[component]
fn ApiTokens() -> impl IntoView {
    view! {
        <section class="settings-section" aria-labelledby="tokens-head">
            <h2 id="tokens-head">"API tokens"</h2>
            <p><a href="/settings/tokens">"Your API tokens"</a>
               ": for scripts, " <code>"calltrail calls"</code> " and " <code>"tail"</code>
               " in a terminal, and coding agents over MCP."</p>
        </section>
    }
}

#[component]
fn Password() -> impl IntoView {
    view! {
        <section class="settings-section" aria-labelledby="password-head">
            <h2 id="password-head">"Your password"</h2>
            <form method="post" action="/settings/password" class="stacked narrow">
                <label>"Current password "
                    <input type="password" name="current" autocomplete="current-password" required/>
                </label>
                <label>"New password (8 characters or more) "
                    <input type="password" name="new" autocomplete="new-password" minlength="8" required/>
                </label>
                <label>"New password again "
                    <input type="password" name="confirm" autocomplete="new-password" minlength="8" required/>
                </label>
                <button type="submit" class="button">"Change password"</button>
            </form>
            <p class="muted">"Your other sessions are signed out; this one stays."</p>
        </section>
    }
}
