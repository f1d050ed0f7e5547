//! Percentiles and rates for the benchmark report.

use std::time::Duration;

/// Latencies, summarised.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Summary {
    pub count: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Summary {
    pub fn of(mut samples: Vec<Duration>) -> Self {
        if samples.is_empty() {
            return Summary::default();
        }
        samples.sort_unstable();
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
        Summary {
            count: samples.len(),
            p50: at(0.50),
            p99: at(0.99),
            max: *samples.last().expect("not empty"),
        }
    }
}

/// Prints `part` as a share of `whole` beside its target (in %).
pub fn share(what: &str, part: f64, whole: f64, target: u32) {
    println!(
        "  {what}: {:.0} % (target ≥ {target} %)",
        100.0 * part / whole.max(1e-9)
    );
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_hundred_samples() {
        let samples = (1..=100).map(Duration::from_millis).collect();
        let s = Summary::of(samples);
        assert_eq!(s.count, 100);
        assert_eq!(s.p50, Duration::from_millis(51));
        assert_eq!(s.p99, Duration::from_millis(99));
        assert_eq!(s.max, Duration::from_millis(100));
        assert_eq!(Summary::of(Vec::new()), Summary::default());
    }
}
