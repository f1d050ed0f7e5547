//! The `calltrail` commands: `serve` (which wires every layer together),
//! `simulate`, `user`, `bench`, `crash-check`, `backup`, `restore` and
//! `migrate-data`. The top layer: it may import everything below.

pub mod backup;
pub mod bench;
pub mod child;
pub mod crash_check;
pub mod demo;
pub mod memory;
pub mod serve;
pub mod simulate;
pub mod users;
