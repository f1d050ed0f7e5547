//! How far a transfer got: a platform reports it asked, started, connected,
//! was cancelled, or ended, and only a handed-over one makes a call
//! "transferred".

use serde::{Deserialize, Serialize};

/// How far a transfer got. Platforms that report only a finished transfer
/// (Infer, Vapi's `transfer-update`) send `done`.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferStage {
    /// The agent wants to transfer; where to is being asked.
    Requested,
    /// Dialling the destination.
    Started,
    /// The call was handed over.
    #[default]
    Done,
    /// The destination answered and the legs were bridged.
    Connected,
    /// Cancelled, or the destination did not answer: the call stays.
    Cancelled,
    /// The transferred leg hung up.
    Ended,
}

impl TransferStage {
    pub fn is_done(&self) -> bool {
        *self == TransferStage::Done
    }

    /// Whether the call left for the destination at this stage.
    pub fn handed_over(self) -> bool {
        matches!(self, TransferStage::Done | TransferStage::Connected)
    }

    /// Whether this stage starts a transfer (the one a count counts): a
    /// request, a bridge or an ending belong to a transfer already counted.
    pub fn begins(self) -> bool {
        matches!(self, TransferStage::Started | TransferStage::Done)
    }

    /// The line's verb: "Transfer requested", "Transferring to …".
    pub fn headline(self) -> &'static str {
        match self {
            TransferStage::Requested => "requested",
            TransferStage::Started => "started",
            TransferStage::Done => "",
            TransferStage::Connected => "connected",
            TransferStage::Cancelled => "not answered or cancelled",
            TransferStage::Ended => "leg ended",
        }
    }
}
