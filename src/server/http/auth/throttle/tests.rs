//! The throttle's promises, driven with explicit instants.

use super::table::FORGET_AFTER;
use super::*;

fn ip(s: &str) -> Option<IpAddr> {
    Some(s.parse().expect("a test address"))
}

fn wait_of(admission: &Admission) -> Option<Duration> {
    match admission {
        Admission::Refused { wait } => Some(*wait),
        Admission::Admitted { .. } => None,
    }
}

fn admitted(admission: Admission) -> Attempt {
    match admission {
        Admission::Admitted { attempt, .. } => attempt,
        Admission::Refused { wait } => panic!("refused for {wait:?}"),
    }
}

#[test]
fn reservations_made_before_any_result_cannot_exceed_the_allowance() {
    let throttle = Throttle::default();
    let t0 = Instant::now();
    // Twelve guesses arrive together; none has finished its check yet.
    let answers: Vec<Admission> = (0..12)
        .map(|_| throttle.admit("admin", ip("192.0.2.1"), t0))
        .collect();
    let refused = answers.iter().filter_map(wait_of).collect::<Vec<_>>();
    assert_eq!(refused.len(), 7);
    assert!(refused.iter().all(|w| *w == Duration::from_secs(1)));
    // Even the right password must wait now; then each failure doubles the wait.
    assert_eq!(
        wait_of(&throttle.admit("Admin", ip("192.0.2.1"), t0)),
        Some(Duration::from_secs(1))
    );
    let t1 = t0 + Duration::from_secs(1);
    admitted(throttle.admit("admin", ip("192.0.2.1"), t1));
    assert_eq!(
        wait_of(&throttle.admit("admin", ip("192.0.2.1"), t1)),
        Some(Duration::from_secs(2))
    );
}

#[test]
fn a_success_clears_the_pair_and_a_withdrawal_takes_the_attempt_back() {
    let throttle = Throttle::default();
    let t0 = Instant::now();
    for _ in 0..4 {
        admitted(throttle.admit("admin", None, t0));
    }
    let right = admitted(throttle.admit("ADMIN ", None, t0));
    throttle.succeeded(&right);
    for _ in 0..5 {
        let attempt = admitted(throttle.admit("admin", None, t0));
        throttle.withdraw(&attempt);
    }
    for _ in 0..5 {
        admitted(throttle.admit("admin", None, t0));
    }
    assert!(wait_of(&throttle.admit("admin", None, t0)).is_some());
}

#[test]
fn addresses_in_one_64_share_a_record_and_other_64s_do_not() {
    let throttle = Throttle::default();
    let t0 = Instant::now();
    for i in 0..20 {
        let address = format!("2001:db8:1:2::{:x}", i + 1);
        admitted(throttle.admit(&format!("user{i}"), ip(&address), t0));
    }
    let same_64 = throttle.admit("someone-new", ip("2001:db8:1:2:ffff::9"), t0);
    assert_eq!(wait_of(&same_64), Some(Duration::from_secs(1)));
    admitted(throttle.admit("someone-new", ip("2001:db8:1:3::1"), t0));
    // IPv4 is per address, and its mapped IPv6 form is the same address.
    for i in 0..20 {
        admitted(throttle.admit(&format!("user{i}"), ip("192.0.2.9"), t0));
    }
    assert!(wait_of(&throttle.admit("x", ip("::ffff:192.0.2.9"), t0)).is_some());
    admitted(throttle.admit("x", ip("192.0.2.10"), t0));
}

#[test]
fn failures_for_an_account_from_everywhere_delay_it_but_never_lock_it_out() {
    let throttle = Throttle::default();
    let t0 = Instant::now();
    let mut delays = Vec::new();
    for i in 0..40 {
        let stranger = format!("198.51.100.{i}");
        match throttle.admit("admin", ip(&stranger), t0) {
            Admission::Admitted { delay, .. } => delays.push(delay.as_millis()),
            Admission::Refused { wait } => panic!("attempt {i} refused for {wait:?}"),
        }
    }
    assert_eq!(delays[..10], [0; 10]);
    assert_eq!(delays[10..14], [250, 500, 1000, 2000]);
    assert!(delays[14..].iter().all(|d| *d == 2000));
    // The owner, from home, is slowed by at most the cap and gets in.
    match throttle.admit("admin", ip("203.0.113.5"), t0) {
        Admission::Admitted { attempt, delay } => {
            assert_eq!(delay, PER_ACCOUNT.max);
            throttle.succeeded(&attempt);
        }
        Admission::Refused { wait } => panic!("the owner was refused for {wait:?}"),
    }
}

#[test]
fn the_tables_stay_within_their_bound() {
    let throttle = Throttle::with_capacity(50);
    let t0 = Instant::now();
    for i in 0..500u32 {
        let address = format!("2001:db8:{:x}:{:x}::1", i / 7, i);
        admitted(throttle.admit(&format!("user{i}"), ip(&address), t0));
    }
    let tables = throttle.lock();
    assert_eq!(tables.pairs.len(), 50);
    assert_eq!(tables.networks.len(), 50);
    assert_eq!(tables.accounts.len(), 50);
}

#[test]
fn failures_are_forgotten_after_a_quiet_while() {
    let throttle = Throttle::default();
    let t0 = Instant::now();
    for _ in 0..5 {
        admitted(throttle.admit("admin", None, t0));
    }
    assert!(wait_of(&throttle.admit("admin", None, t0)).is_some());
    let later = t0 + FORGET_AFTER + Duration::from_secs(1);
    for _ in 0..5 {
        admitted(throttle.admit("admin", None, later));
    }
}
