//! The long-lived thread that runs a store's background commits
//! ([`super::BlockBuffer::commit_pipelined`]).
//!
//! A thread per block started every commit with a fresh allocator heap, so the commit's many
//! allocations took new pages from the system (page faults) and built new free lists. One thread,
//! kept for as long as the store is, reuses its heap from block to block (in `phalanx-bench tx`:
//! about 3 % less CPU per transaction). Commits still run one at a time and in height order: the
//! buffer waits for a commit before it hands in the next one.

use crate::StateError;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};

/// The commit thread's name, by which tools find its CPU time.
pub const COMMIT_THREAD: &str = "commit";

/// Work handed to the commit thread.
type Job = Box<dyn FnOnce() + Send>;

/// The store's commit thread, started by the first background commit. Clones share it; it ends
/// when the last clone is dropped (its queue closes).
#[derive(Clone, Default)]
pub(crate) struct Committer {
    queue: Arc<Mutex<Option<Sender<Job>>>>,
}

impl Committer {
    /// Runs `job` on the commit thread, starting the thread on the first call. A job that unwinds
    /// ends there (its own guard reports the failure to whoever waits for it); the thread goes on
    /// to the next.
    pub(crate) fn run(&self, job: Job) -> Result<(), StateError> {
        let mut queue = self
            .queue
            .lock()
            .map_err(|_| StateError("the commit thread's queue is poisoned".to_string()))?;
        let sender = match &mut *queue {
            Some(sender) => sender,
            idle @ None => idle.insert(start()?),
        };
        sender
            .send(job)
            .map_err(|_| StateError("the commit thread has stopped".to_string()))
    }
}

/// Starts the commit thread; it runs jobs until every sender is dropped.
fn start() -> Result<Sender<Job>, StateError> {
    let (sender, jobs) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name(COMMIT_THREAD.to_string())
        .spawn(move || {
            for job in jobs {
                // The job's result, failure included, is published by the job itself.
                let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
            }
        })
        .map_err(|e| StateError(format!("starting the commit thread: {e}")))?;
    Ok(sender)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    #[test]
    fn jobs_run_in_order_on_one_thread() {
        let committer = Committer::default();
        let (done, results) = channel();
        for i in 0..5 {
            let done = done.clone();
            committer
                .run(Box::new(move || {
                    let name = std::thread::current().name().map(str::to_string);
                    done.send((i, name, std::thread::current().id())).unwrap();
                }))
                .unwrap();
        }
        let seen: Vec<_> = results.iter().take(5).collect();
        assert_eq!(
            seen.iter().map(|s| s.0).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4]
        );
        assert!(seen.iter().all(|s| s.1.as_deref() == Some(COMMIT_THREAD)));
        assert!(seen.iter().all(|s| s.2 == seen[0].2), "one thread");
    }

    #[test]
    fn a_job_that_unwinds_does_not_stop_later_ones() {
        let committer = Committer::default();
        committer
            .run(Box::new(|| panic!("a commit that unwinds")))
            .unwrap();
        let (done, result) = channel();
        committer
            .run(Box::new(move || done.send(()).unwrap()))
            .unwrap();
        let waited = result.recv_timeout(std::time::Duration::from_secs(10));
        assert!(waited.is_ok(), "the job after a panic never ran");
    }
}
