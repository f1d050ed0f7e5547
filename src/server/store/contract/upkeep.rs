//! Accounts, settings, saved views, and keeping the database in bounds.

use crate::model::accounts::AuditRow;
use crate::model::tokens::{TokenScope, TokenView};
use crate::model::{AccountRole, DatabaseInfo, SavedView};
use crate::server::store::api_tokens::TokenHolder;
use crate::server::store::audit::AuditFilter;
use crate::server::store::call_retention::{CallRetention, Purged};
use crate::server::store::invitations::{Invitation, LinkFor, Redeemed};
use crate::server::store::retention::DeliveryRetention;
use crate::server::store::users::AccountChange;
use crate::server::store::{Error, Store, User};

areas! {
    /// Dashboard accounts.
    UserStore {
        fn has_users(&self) -> Result<bool, Error>;
        /// Creates the first account; `None` when an account already exists
        /// (so two racing first-run requests cannot both create an admin).
        fn create_first_user(&self, username: &str, password_hash: &str) -> Result<Option<User>, Error>;
        /// Creates an account with `role`; `None` when the name is taken.
        fn create_user(&self, username: &str, password_hash: &str, role: AccountRole) -> Result<Option<User>, Error>;
        /// Creates the account a single sign-on identity (`issuer subject`)
        /// signs in to, with no password; `None` when the name is taken.
        fn create_sso_user(&self, username: &str, identity: &str, role: AccountRole) -> Result<Option<User>, Error>;
        /// Sets a new password, which signs out every session of the account.
        /// False when there is no such user.
        fn set_password(&self, username: &str, password_hash: &str) -> Result<bool, Error>;
        fn user_by_name(&self, username: &str) -> Result<Option<User>, Error>;
        fn user_by_id(&self, id: i64) -> Result<Option<User>, Error>;
        fn user_by_sso(&self, identity: &str) -> Result<Option<User>, Error>;
        /// Every account, by name.
        fn users(&self) -> Result<Vec<User>, Error>;
        /// Gives the account `role`; refused when that would leave no enabled admin.
        fn set_role(&self, id: i64, role: AccountRole) -> Result<AccountChange, Error>;
        /// Disables the account (its sessions end at once) or enables it;
        /// disabling is refused when it would leave no enabled admin.
        fn set_disabled(&self, id: i64, disabled: bool) -> Result<AccountChange, Error>;
        /// Keeps a one-time link, by the hash of its secret.
        fn create_link(&self, token_hash: &str, link: LinkFor, created_by: Option<i64>, expires_at: i64) -> Result<(), Error>;
        /// The link with this hash, while it is unused and unexpired.
        fn pending_link(&self, token_hash: &str) -> Result<Option<Invitation>, Error>;
        /// Every unused, unexpired link, newest first.
        fn pending_links(&self) -> Result<Vec<Invitation>, Error>;
        /// Uses a link once: makes the account it invites (named `username`)
        /// or sets the password it resets, in one transaction.
        fn redeem_link(&self, token_hash: &str, username: &str, password_hash: &str) -> Result<Redeemed, Error>;
        /// Withdraws an unused link; false when there is none.
        fn revoke_link(&self, id: i64) -> Result<bool, Error>;
    }
    /// API tokens, kept by the hash of their secret.
    TokenStore {
        /// Keeps a new token of account `user_id`; returns its id.
        fn create_token(&self, user_id: i64, name: &str, scope: TokenScope, token_hash: &str, expires_at: Option<i64>) -> Result<i64, Error>;
        /// The token with this hash and its account as they are now, revoked
        /// or expired ones included (the caller decides whether it works).
        fn token_holder(&self, token_hash: &str) -> Result<Option<TokenHolder>, Error>;
        /// Notes a use at `now`, unless one after `unless_after` is noted
        /// already (so a busy token writes once a minute, not per request);
        /// true when it wrote.
        fn touch_token(&self, id: i64, now: i64, unless_after: i64) -> Result<bool, Error>;
        /// `owner`'s tokens (everyone's for `None`), newest first.
        fn tokens(&self, owner: Option<i64>) -> Result<Vec<TokenView>, Error>;
        /// Revokes a working token (only `owner`'s, unless `None`); returns
        /// its name, `None` when there is no such working token.
        fn revoke_token(&self, id: i64, owner: Option<i64>) -> Result<Option<String>, Error>;
    }
    /// The append-only audit log.
    AuditStore {
        fn record_audit(&self, entry: &AuditRow) -> Result<(), Error>;
        /// Entries matching `filter`, newest first.
        fn audit_entries(&self, filter: &AuditFilter, offset: i64, limit: i64) -> Result<Vec<AuditRow>, Error>;
    }
    /// Settings kept in the database.
    SettingStore {
        fn webhook_token(&self) -> Result<Option<String>, Error>;
        /// Whether admins let viewers review calls (notes, flags, scores).
        fn viewers_review(&self) -> Result<bool, Error>;
        fn set_viewers_review(&self, on: bool) -> Result<(), Error>;
        fn set_webhook_token(&self, token: &str) -> Result<(), Error>;
        /// Days each source's calls are kept instead of the installation's
        /// retention, by source.
        fn source_retention(&self) -> Result<Vec<(String, u32)>, Error>;
        fn set_source_retention(&self, days: &[(String, u32)]) -> Result<(), Error>;
    }
    /// Saved views of the calls list.
    SavedViewStore {
        /// The account's saved views, by name.
        fn saved_views(&self, user_id: i64) -> Result<Vec<SavedView>, Error>;
        /// Saves `q` as `name` (replacing the query of a view of that name);
        /// `false` when the account already has [`MAX_VIEWS`](crate::server::store::portable::saved_views::MAX_VIEWS) others.
        fn save_view(&self, user_id: i64, name: &str, q: &str) -> Result<bool, Error>;
        /// Deletes one of the account's views; `false` when it has no such view.
        fn delete_view(&self, user_id: i64, id: i64) -> Result<bool, Error>;
    }
    /// Trimming the delivery log.
    RetentionStore {
        /// Deletes at most `batch` of the oldest delivery rows that are received
        /// before `before` (epoch ms) or not among the newest `keep` rows; returns
        /// how many went.
        fn delete_old_deliveries(&self, before: Option<i64>, keep: Option<u64>, batch: i64) -> Result<u64, Error>;
        /// Deletes every delivery row past `retention` at `now` (epoch ms), batch
        /// by batch; returns how many went.
        fn enforce_delivery_retention(&self, retention: DeliveryRetention, now: i64) -> Result<u64, Error>;
    }
    /// Deleting whole calls past their retention.
    CallRetentionStore {
        /// Deletes every call past `retention` at `now` (epoch ms), `batch`
        /// events per transaction, oldest ended calls first; returns what went.
        fn enforce_call_retention(&self, retention: CallRetention, now: i64, batch: i64) -> Result<Purged, Error>;
        /// Deletes one call and everything about it (events and their
        /// search entries, deliveries, metrics, alerts, queued sends), live
        /// or not; `None` when there is no such call.
        fn delete_call_now(&self, call_id: &str) -> Result<Option<Purged>, Error>;
    }
    /// How much room the database takes.
    SpaceStore {
        /// Sizes and row counts, read from a consistent snapshot.
        fn usage(&self) -> Result<DatabaseInfo, Error>;
        /// Gives the file's free pages back to the file system, a step at a
        /// time; returns how many went. Does nothing on a database created
        /// without incremental vacuum.
        fn reclaim_free_pages(&self) -> Result<u64, Error>;
    }
}
