//! Worker threads of `wiredesk run`: stories are enriched on several cores at once over the one
//! shared index. Each input partition is handled by one worker (partition modulo workers), so a
//! partition's stories are decided and produced in offset order.

use crate::config::Config;
use crate::enrich::State;
use crate::kafka::KafkaPipelineError;
use crate::kafka::pipeline::{Processed, enrich_message};
use crate::kafka::sink::InputRef;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;
use tokio::sync::mpsc;

/// One consumed message for a worker.
pub struct Job {
    pub payload: Vec<u8>,
    pub key: Option<Vec<u8>>,
    pub input: InputRef,
}

/// The running workers and the channel of their results.
pub struct Workers {
    senders: Vec<std_mpsc::Sender<Job>>,
    handles: Vec<JoinHandle<()>>,
    pub results: mpsc::UnboundedReceiver<Processed>,
}

impl Workers {
    /// Starts `count` workers (at least one), each with its own scratch state over `state`'s index.
    pub fn start(config: &Config, state: &State, count: usize) -> Result<Self, KafkaPipelineError> {
        let config = Arc::new(config.clone());
        let (results_tx, results) = mpsc::unbounded_channel();
        let mut senders = Vec::new();
        let mut handles = Vec::new();
        for i in 0..count.max(1) {
            let (tx, rx) = std_mpsc::channel::<Job>();
            let mut worker = state.worker();
            let config = config.clone();
            let results_tx = results_tx.clone();
            let handle = std::thread::Builder::new()
                .name(format!("wiredesk-worker-{i}"))
                .spawn(move || {
                    let no_replay = HashMap::new();
                    for job in rx {
                        let processed = enrich_message(
                            &config,
                            &mut worker,
                            &job.payload,
                            job.key,
                            job.input,
                            &no_replay,
                        );
                        if results_tx.send(processed).is_err() {
                            break;
                        }
                    }
                })
                .map_err(|e| KafkaPipelineError::Workers(e.to_string()))?;
            senders.push(tx);
            handles.push(handle);
        }
        Ok(Workers {
            senders,
            handles,
            results,
        })
    }

    /// Hands a message to the worker of its partition.
    pub fn dispatch(&self, job: Job) -> Result<(), KafkaPipelineError> {
        let n = self.senders.len();
        let i = (job.input.partition.max(0) as usize) % n;
        self.senders[i]
            .send(job)
            .map_err(|_| KafkaPipelineError::Workers(format!("worker {i} has stopped")))
    }

    /// No more jobs: workers finish what they hold, then stop.
    pub fn close(&mut self) {
        self.senders.clear();
    }

    /// Waits for the workers to stop (after [`Self::close`]).
    pub fn join(&mut self) {
        for h in self.handles.drain(..) {
            let _ = h.join();
        }
    }
}
