//! What a form post did, said on the page it returns to. The redirect
//! carries a short code (`?notice=rule-saved`, `?error=storage`), never
//! text: a link someone else made can then show only one of these messages,
//! and a code nobody knows shows nothing.

/// An enum of messages, each with its code (lowercase letters and dashes,
/// safe in a URL as it is) and its text.
macro_rules! messages {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal => $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $(#[doc = $text] $variant,)*
        }

        impl $name {
            /// Every message.
            pub const ALL: &[$name] = &[$($name::$variant,)*];

            /// The code a redirect carries.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)*
                }
            }

            /// What the page says.
            pub fn message(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The message `code` stands for; `None` for any other text.
            pub fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some($name::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

messages! {
    /// A form post that did what was asked.
    Notice {
        RuleSaved = "rule-saved" => "Saved the rule.",
        RuleAdded = "rule-added" => "Added the rule.",
        RuleDeleted = "rule-deleted" => "Deleted the rule and its alerts.",
        ChannelSaved = "channel-saved" => "Saved the channel.",
        ChannelTested = "channel-tested" => "Test sent: the receiver's answer is shown with the channel.",
        ChannelDeleted = "channel-deleted" => "Deleted the channel.",
        DestinationSaved = "destination-saved" => "Saved the destination.",
        DestinationPaused = "destination-paused" => "Paused the destination.",
        DestinationResumed = "destination-resumed" => "Resumed the destination.",
        DestinationDeleted = "destination-deleted" => "Deleted the destination and its queue.",
        ReplayQueued = "replay-queued" => "Queued the events to send again, marked calltrail-replay: 1.",
        ReplayEmpty = "replay-empty" => "Nothing was queued: no stored event matches.",
        Redelivered = "redelivered" => "Queued it to send again, marked calltrail-replay: 1.",
        ViewSaved = "view-saved" => "Saved the view.",
        ViewDeleted = "view-deleted" => "Deleted the view.",
        DestinationTested = "destination-tested" => "Sent a test event; the destination accepted it.",
        PasswordChanged = "password-changed" => "Changed your password; your other sessions are signed out.",
        LinkMade = "link-made" => "Made the link: copy it now and send it — it is shown only this once.",
        RoleChanged = "role-changed" => "Changed the role; it applies at the account's next request.",
        UserDisabled = "user-disabled" => "Disabled the account: its sessions and live pages have ended.",
        UserEnabled = "user-enabled" => "Enabled the account; it can sign in again.",
        LinkRevoked = "link-revoked" => "Withdrew the link; it no longer works.",
        CallDeleted = "call-deleted" => "Deleted the call, its events, deliveries and search entries.",
        TokenMade = "token-made" => "Made the token: copy it now — it is shown only this once.",
        TokenRevoked = "token-revoked" => "Revoked the token; requests signed with it get 401 from now on.",
        NoteAdded = "note-added" => "Pinned the note; everyone on this call's page sees it now.",
        NoteSaved = "note-saved" => "Saved the note.",
        NoteDeleted = "note-deleted" => "Deleted the note.",
        ReviewSaved = "review-saved" => "Saved your review of the call.",
        ShareMade = "share-made" => "Made the link: copy it now — it is shown only this once.",
        ShareRevoked = "share-revoked" => "Revoked the link; it no longer opens the call.",
        QueueAdded = "queue-added" => "Added the queue.",
        QueueDeleted = "queue-deleted" => "Deleted the queue; the reviews done through it stay with their calls.",
        QueueEmpty = "queue-empty" => "Nothing in that queue waits for your review.",
        ReasonAdded = "reason-added" => "Added the reason to the list.",
        ReasonRetired = "reason-retired" => "Took the reason off the list; calls flagged with it keep it.",
        ReviewersSaved = "reviewers-saved" => "Saved who may review calls.",
        RetentionSaved = "retention-saved" => "Saved each source's retention; it applies at the next retention run (every ten minutes).",
    }
}

messages! {
    /// A form post that changed nothing, and why.
    FormError {
        Storage = "storage" => "The database did not answer; nothing was changed — try again.",
        NoSuchAlert = "no-such-alert" => "There is no such alert.",
        NoIssueChosen = "no-issue-chosen" => "Tick the issues to act on first.",
        PasswordWrong = "password-wrong" => "The current password is not right; nothing was changed.",
        PasswordsDiffer = "passwords-differ" => "The new password and its confirmation differ.",
        PasswordTooShort = "password-too-short" => "The new password must be 8 to 1024 characters.",
        NoSuchRule = "no-such-rule" => "There is no such rule.",
        NoSuchChannel = "no-such-channel" => "There is no such channel.",
        NoSuchDestination = "no-such-destination" => "There is no such destination.",
        NoSuchMessage = "no-such-message" => "There is no such message.",
        NoSuchView = "no-such-view" => "There is no such view.",
        UnknownAction = "unknown-action" => "Alerts can be acknowledged, resolved, snoozed or reopened.",
        SnoozeRange = "snooze-range" => "Snooze for 1 minute to 7 days.",
        RuleNeedsName = "rule-needs-name" => "A new rule needs a name.",
        CountInvalid = "count-invalid" => "The count must be a whole number, 0 or more.",
        SecondsInvalid = "seconds-invalid" => "The seconds must be a whole number, 0 or more.",
        MinutesInvalid = "minutes-invalid" => "The minutes must be a whole number, 0 or more.",
        PercentInvalid = "percent-invalid" => "The share must be a whole number of percent, 0 to 100.",
        SilenceInvalid = "silence-invalid" => "The silence must be a number of seconds.",
        CooldownInvalid = "cooldown-invalid" => "The cool-down must be a whole number of seconds.",
        RuleInvalid = "rule-invalid" => "The rule's options are not valid: choose the event and comparison from the lists.",
        PatternInvalid = "pattern-invalid" => "The pattern is not a valid regular expression.",
        UnknownChannel = "unknown-channel" => "Choose the rule's channels from the list.",
        ChannelNeedsName = "channel-needs-name" => "A channel needs a name.",
        ChannelNeedsKind = "channel-needs-kind" => "Choose the channel's kind.",
        ChannelNeedsUrl = "channel-needs-url" => "The channel needs a URL.",
        EmailNeedsHost = "email-needs-host" => "An email channel needs an SMTP host.",
        EmailNeedsFrom = "email-needs-from" => "An email channel needs a From address.",
        PortInvalid = "port-invalid" => "The SMTP port must be a number.",
        TlsUnknown = "tls-unknown" => "Choose STARTTLS, TLS or none.",
        ChannelInvalid = "channel-invalid" => "The channel's settings are not valid: check the signing secret, the email addresses and that there is a recipient.",
        TestFailed = "test-failed" => "The test failed: the receiver's answer is shown with the channel.",
        DestinationTestFailed = "destination-test-failed" => "The test event was not accepted: check the URL, and that the receiver answers 2xx (the server log has its answer).",
        DestinationNeedsName = "destination-needs-name" => "A destination needs a name.",
        DestinationNeedsUrl = "destination-needs-url" => "A destination needs a URL.",
        UrlInvalid = "url-invalid" => "Use an http:// or https:// URL with a host name.",
        HostInvalid = "host-invalid" => "The host is not a valid name or address, or it does not resolve.",
        AddressPrivate = "address-private" => "That address is loopback or private; set CALLTRAIL_ALLOW_PRIVATE_DESTINATIONS=true to allow it.",
        SecretInvalid = "secret-invalid" => "The signing secret must be whsec_ followed by at least 16 bytes in base64.",
        UnknownComparison = "unknown-comparison" => "Choose the comparison from the list.",
        UnknownKind = "unknown-kind" => "Choose what to forward from the list.",
        TimeInvalid = "time-invalid" => "That is not a time: use YYYY-MM-DDTHH:MM, in UTC.",
        ReplayNeedsStart = "replay-needs-start" => "Name a call, or a time to replay from.",
        ViewQueryInvalid = "view-query-invalid" => "This query cannot be saved: fix what the search says is wrong first.",
        ViewNeedsQuery = "view-needs-query" => "Type a query first, then save it.",
        ViewNeedsName = "view-needs-name" => "A saved view needs a name.",
        ViewNameTooLong = "view-name-too-long" => "A view's name has at most 60 characters.",
        ViewsFull = "views-full" => "You have as many saved views as an account can keep: delete one first.",
        NoSuchRole = "no-such-role" => "Choose the role from the list: admin, editor, viewer or restricted viewer.",
        NoSuchUser = "no-such-user" => "There is no such account.",
        LastAdmin = "last-admin" => "That would leave no enabled admin: make another account admin first.",
        NoSuchLink = "no-such-link" => "There is no such link waiting.",
        NoSuchCall = "no-such-call" => "There is no such call.",
        TokenNeedsName = "token-needs-name" => "Name the token after what will use it (at most 60 characters).",
        NoSuchScope = "no-such-scope" => "Choose the scope from the list: read, or read and write.",
        LifetimeInvalid = "lifetime-invalid" => "Choose how long the token works from the list.",
        NoSuchToken = "no-such-token" => "There is no such working token of yours.",
        TickTwo = "tick-two" => "Tick exactly two calls to compare them.",
        NoteInvalid = "note-invalid" => "Write the note: some words, at most 4,000 characters.",
        NotesFull = "notes-full" => "This call has its fill of notes (500); delete one first.",
        NoSuchNote = "no-such-note" => "There is no such note on this call.",
        NotYourNote = "not-your-note" => "Only a note's author, or an admin, may change or delete it.",
        NoSuchReason = "no-such-reason" => "Choose the reasons from the list.",
        ScoreInvalid = "score-invalid" => "A score is a whole number from 1 to 5.",
        MomentInvalid = "moment-invalid" => "Give the moment as m:ss from the call's start, like 1:05.",
        NoSuchItem = "no-such-item" => "That item is not part of this call.",
        ShareLifetimeInvalid = "share-lifetime-invalid" => "Choose how long the link works from the list.",
        NoSuchShare = "no-such-share" => "There is no such working link to this call.",
        QueueNeedsName = "queue-needs-name" => "Name the queue (at most 60 characters).",
        QueueNameTaken = "queue-name-taken" => "A queue has that name already.",
        QueueQueryInvalid = "queue-query-invalid" => "The queue's query does not read: try it in the calls list's search first.",
        SamplingInvalid = "sampling-invalid" => "Choose a sampling rule with its number: every 1–1000th, 1–100 %, or 1–10000 a day.",
        ReviewsNeededInvalid = "reviews-needed-invalid" => "A call needs 1 to 10 reviewers.",
        NoSuchQueue = "no-such-queue" => "There is no such queue.",
        QueueNotYours = "queue-not-yours" => "That queue is for its own reviewers; ask an editor to add you to it.",
        ReasonInvalid = "reason-invalid" => "A reason needs a label of letters or digits, at most 40 characters.",
        ReasonTaken = "reason-taken" => "That reason is on the list already.",
        DaysInvalid = "days-invalid" => "Days must be a whole number from 1 (or blank for the installation's retention).",
    }
}

impl FormError {
    /// The form field the error is about, when it is about one: the page
    /// shows it beside that field.
    pub fn field(self) -> Option<&'static str> {
        Some(match self {
            FormError::DestinationNeedsName | FormError::ChannelNeedsName => "name",
            FormError::DestinationNeedsUrl
            | FormError::ChannelNeedsUrl
            | FormError::UrlInvalid
            | FormError::HostInvalid
            | FormError::AddressPrivate => "url",
            FormError::SecretInvalid => "secret",
            FormError::UnknownKind => "event",
            FormError::UnknownComparison => "cond_op",
            FormError::PatternInvalid => "cond_value",
            FormError::EmailNeedsHost => "host",
            FormError::EmailNeedsFrom => "from",
            FormError::PortInvalid => "port",
            FormError::ChannelNeedsKind => "kind",
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_plain_and_read_back() {
        let codes = Notice::ALL
            .iter()
            .map(|n| (n.code(), Notice::from_code(n.code()).map(|n| n.message())))
            .chain(FormError::ALL.iter().map(|e| {
                (
                    e.code(),
                    FormError::from_code(e.code()).map(|e| e.message()),
                )
            }));
        for (code, message) in codes {
            assert!(
                code.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{code}"
            );
            assert!(message.is_some_and(|m| m.ends_with('.')), "{code}");
        }
        assert_eq!(Notice::from_code("rule-saved"), Some(Notice::RuleSaved));
        assert_eq!(FormError::from_code("storage"), Some(FormError::Storage));
    }

    #[test]
    fn any_other_text_means_nothing() {
        for text in [
            "",
            "Saved the rule.",
            "Rule-Saved",
            " rule-saved",
            "<script>Click here</script>",
            "Your session expired, sign in at evil.example",
        ] {
            assert_eq!(Notice::from_code(text), None, "{text}");
            assert_eq!(FormError::from_code(text), None, "{text}");
        }
    }
}
