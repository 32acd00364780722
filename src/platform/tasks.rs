//! Background tasks that must outlive their own failures.

use std::future::Future;
use std::time::Duration;

/// How long a failed task waits before it starts again.
const RESTART_AFTER: Duration = Duration::from_secs(1);

/// Runs the task made by `make` until it ends, and makes it again whenever
/// it panicked, after logging what failed.
pub fn supervise<F, T>(name: &'static str, make: F)
where
    F: Fn() -> T + Send + 'static,
    T: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        loop {
            match tokio::spawn(make()).await {
                Err(failure) if failure.is_panic() => {
                    tracing::error!(
                        "{name} failed and starts again in {} s",
                        RESTART_AFTER.as_secs()
                    );
                    tokio::time::sleep(RESTART_AFTER).await;
                }
                Ok(()) | Err(_) => return,
            }
        }
    });
}
