//! Everything that runs only on the server, in layers whose imports run one
//! way: [`cli`] → [`http`] → [`app`] → [`config`] → [`store`] → `crate::model`.
//! A module may import its own layer and those to its right, never one to its
//! left; `tests/it/layers.rs` fails the build on an import that does.

pub mod app;
pub mod cli;
pub mod config;
pub mod http;
pub mod store;
