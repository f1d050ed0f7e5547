//! Colour for a terminal: only when standard output is one and `NO_COLOR`
//! is not set, so pipes and files get plain text.

use std::io::IsTerminal;

use crate::model::call_text::Tone;

/// Whether to colour what is printed.
pub fn wanted() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// `text` in the colour of `tone` (unchanged when `on` is false).
pub fn tone(on: bool, tone: Tone, text: &str) -> String {
    if !on {
        return text.to_string();
    }
    let code = match tone {
        Tone::Agent => "36",
        Tone::Caller => "0",
        Tone::Tool => "35",
        Tone::Error => "1;31",
        Tone::Interruption => "33",
        Tone::Latency => "2",
        Tone::Mark => "1",
        Tone::System => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// Dimmed (the time column).
pub fn dim(on: bool, text: &str) -> String {
    if on {
        format!("\x1b[2m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}
