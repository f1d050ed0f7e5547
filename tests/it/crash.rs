//! kill -9 under load, five times: every acknowledged event is on disk, once.
//! (`calltrail crash-check --cycles 20` runs the same check for longer.)

use std::path::Path;

use calltrail::server::cli::crash_check::check;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_events_survive_kill_9() {
    let exe = Path::new(env!("CARGO_BIN_EXE_calltrail"));
    let report = check(exe, 5, 8, |line| eprintln!("{line}"))
        .await
        .expect("crash check ran");
    eprintln!("{report:?}");
    assert_eq!(report.cycles, 5);
    assert!(
        report.acknowledged > 50,
        "too little load to mean anything: {report:?}"
    );
    assert_eq!(report.lost, 0, "acknowledged events lost: {report:?}");
    assert_eq!(report.duplicated, 0);
    assert!(report.stored >= report.acknowledged);
}
