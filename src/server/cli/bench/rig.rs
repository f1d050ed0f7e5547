//! What the phases that start servers of their own share.

use std::path::Path;
use std::time::Duration;

/// What the phases that start servers of their own work with.
#[derive(Clone, Copy)]
pub struct Rig<'a> {
    pub(super) client: &'a reqwest::Client,
    /// This program, started as each server.
    pub(super) exe: &'a Path,
    /// Where their databases go.
    pub(super) dir: &'a Path,
    /// A call id per sender.
    pub(super) calls: &'a [String],
    /// How long each phase sends.
    pub(super) phase: Duration,
}

impl<'a> Rig<'a> {
    /// Client, program, folder, call ids and phase length.
    pub(super) fn parts(
        self,
    ) -> (
        &'a reqwest::Client,
        &'a Path,
        &'a Path,
        &'a [String],
        Duration,
    ) {
        (self.client, self.exe, self.dir, self.calls, self.phase)
    }
}
