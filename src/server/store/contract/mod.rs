//! The store's contract, one trait per area (calls, events, deliveries,
//! search, alerts, rules, outbox, users, …), each method documented once,
//! here (the backends' implementations carry no copy). [`Store`]
//! implements each by handing the call to the backend it runs on; both
//! backends implement every method, under the same name. Callers bring the
//! traits into scope with `use crate::server::store::prelude::*;`.

/// Declares each area's trait, its methods documented once, and
/// implements it for [`Store`] by calling the backend's method of the same
/// name and arguments.
macro_rules! areas {
    ($($(#[$area_doc:meta])* $area:ident {
        $($(#[$doc:meta])* fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*
    })*) => {
        $(
            $(#[$area_doc])*
            pub trait $area {
                $(
                    $(#[$doc])*
                    fn $name(&self $(, $arg: $ty)*) -> impl std::future::Future<Output = $ret> + Send;
                )*
            }

            impl $area for Store {
                $(
                    async fn $name(&self $(, $arg: $ty)*) -> $ret {
                        Ok(match self {
                            Store::Sqlite(s) => s.$name($($arg),*).await?,
                            Store::Postgres(p) => p.$name($($arg),*).await?,
                        })
                    }
                )*
            }
        )*
    };
}

mod automation;
mod calls;
mod review;
mod upkeep;

pub use automation::{AlertStore, AutomationStore, EffectStore, OutboxStore, RuleStore};
pub use calls::{
    CallMetricsStore, CallStore, DeliveryStore, EventStore, InsightStore, SearchStore,
};
pub use review::{QueueStore, ReviewStore, ShareStore};
pub use upkeep::{
    AuditStore, CallRetentionStore, RetentionStore, SavedViewStore, SettingStore, SpaceStore,
    TokenStore, UserStore,
};
