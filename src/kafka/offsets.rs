//! Offset bookkeeping for at-least-once delivery: which input offsets are still waiting for the
//! broker to acknowledge their output, and so how far each partition may be committed. A partition
//! is never committed past a message whose output (or dead letter) is not acknowledged.

use std::collections::{BTreeMap, HashMap};

/// A topic partition.
pub type Partition = (String, i32);

#[derive(Debug, Default)]
struct PartitionState {
    /// Offsets consumed whose outputs are not all acknowledged, with how many are outstanding.
    pending: BTreeMap<i64, u32>,
    /// Highest offset consumed so far.
    highest: Option<i64>,
    /// Last offset committed (the next offset to consume), to skip redundant commits.
    committed: Option<i64>,
}

/// Tracks in-flight messages per partition.
#[derive(Debug, Default)]
pub struct OffsetTracker {
    partitions: HashMap<Partition, PartitionState>,
    in_flight: usize,
}

impl OffsetTracker {
    pub fn new() -> Self {
        Self::default()
    }

    /// A message was consumed and its output is about to be produced.
    pub fn track(&mut self, topic: &str, partition: i32, offset: i64) {
        let p = self.entry(topic, partition);
        if p.pending.insert(offset, 1).is_none() {
            p.highest = Some(p.highest.map_or(offset, |h| h.max(offset)));
            self.in_flight += 1;
        }
    }

    /// A tracked message will produce one more record that must be acknowledged before its
    /// offset may be committed (the story record shared with other instances).
    pub fn add_output(&mut self, topic: &str, partition: i32, offset: i64) {
        if let Some(outstanding) = self
            .partitions
            .get_mut(&(topic.to_string(), partition))
            .and_then(|p| p.pending.get_mut(&offset))
        {
            *outstanding += 1;
        }
    }

    /// One output of a message was acknowledged by the broker.
    pub fn ack(&mut self, topic: &str, partition: i32, offset: i64) {
        if let Some(p) = self.partitions.get_mut(&(topic.to_string(), partition)) {
            if let Some(outstanding) = p.pending.get_mut(&offset) {
                *outstanding = outstanding.saturating_sub(1);
                if *outstanding == 0 {
                    p.pending.remove(&offset);
                    self.in_flight -= 1;
                }
            }
        }
    }

    /// Messages consumed but not acknowledged, over all partitions.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// The offset to commit for a partition (next offset to read): the lowest pending offset, or
    /// one past the highest consumed when nothing is pending. `None` if nothing new to commit.
    fn committable_of(p: &PartitionState) -> Option<i64> {
        let next = match p.pending.first_key_value() {
            Some((&lowest, _)) => lowest,
            None => p.highest? + 1,
        };
        match p.committed {
            Some(c) if c >= next => None,
            _ => Some(next),
        }
    }

    /// Every partition with progress to commit, and the offset to commit.
    pub fn committable(&self) -> Vec<(Partition, i64)> {
        let mut out: Vec<(Partition, i64)> = self
            .partitions
            .iter()
            .filter_map(|(k, p)| Self::committable_of(p).map(|o| (k.clone(), o)))
            .collect();
        out.sort();
        out
    }

    /// Every partition's commit position, whether or not it was committed before (for the final,
    /// synchronous commit at shutdown, which must not trust earlier asynchronous ones).
    pub fn positions(&self) -> Vec<(Partition, i64)> {
        let mut out: Vec<(Partition, i64)> = self
            .partitions
            .iter()
            .filter_map(|(k, p)| {
                let next = match p.pending.first_key_value() {
                    Some((&lowest, _)) => lowest,
                    None => p.highest? + 1,
                };
                Some((k.clone(), next))
            })
            .collect();
        out.sort();
        out
    }

    /// Committable offsets of the given partitions only.
    pub fn committable_for(&self, which: &[Partition]) -> Vec<(Partition, i64)> {
        which
            .iter()
            .filter_map(|k| {
                self.partitions
                    .get(k)
                    .and_then(Self::committable_of)
                    .map(|o| (k.clone(), o))
            })
            .collect()
    }

    /// Records that these offsets were committed.
    pub fn mark_committed(&mut self, done: &[(Partition, i64)]) {
        for ((topic, partition), offset) in done {
            let p = self.entry(topic, *partition);
            p.committed = Some(p.committed.map_or(*offset, |c| c.max(*offset)));
        }
    }

    /// Forgets a partition (revoked). Returns how many in-flight messages it still had.
    pub fn remove(&mut self, topic: &str, partition: i32) -> usize {
        match self.partitions.remove(&(topic.to_string(), partition)) {
            Some(p) => {
                self.in_flight -= p.pending.len();
                p.pending.len()
            }
            None => 0,
        }
    }

    /// Forgets pending work after a rewind (exactly-once abort): the partition restarts from its
    /// last commit.
    pub fn reset(&mut self) {
        self.partitions.clear();
        self.in_flight = 0;
    }

    fn entry(&mut self, topic: &str, partition: i32) -> &mut PartitionState {
        self.partitions
            .entry((topic.to_string(), partition))
            .or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_with_two_outputs_commits_only_after_both_are_acknowledged() {
        let mut t = OffsetTracker::new();
        t.track("t", 0, 5);
        t.add_output("t", 0, 5);
        t.ack("t", 0, 5);
        assert_eq!(t.in_flight(), 1);
        assert_eq!(t.committable(), vec![(p(0), 5)]);
        t.ack("t", 0, 5);
        assert_eq!(t.in_flight(), 0);
        assert_eq!(t.committable(), vec![(p(0), 6)]);
    }

    fn p(n: i32) -> Partition {
        ("t".to_string(), n)
    }

    #[test]
    fn never_commits_past_an_unacknowledged_message() {
        let mut t = OffsetTracker::new();
        for o in 10..15 {
            t.track("t", 0, o);
        }
        t.ack("t", 0, 10);
        t.ack("t", 0, 12);
        t.ack("t", 0, 13);
        // 11 is still pending: commit up to it, not past.
        assert_eq!(t.committable(), vec![(p(0), 11)]);
        t.ack("t", 0, 11);
        assert_eq!(t.committable(), vec![(p(0), 14)]);
        t.ack("t", 0, 14);
        assert_eq!(t.committable(), vec![(p(0), 15)]);
        assert_eq!(t.in_flight(), 0);
    }

    #[test]
    fn commits_each_partition_independently_and_only_once() {
        let mut t = OffsetTracker::new();
        t.track("t", 0, 5);
        t.track("t", 1, 7);
        t.ack("t", 1, 7);
        let c = t.committable();
        assert_eq!(c, vec![(p(0), 5), (p(1), 8)]);
        t.mark_committed(&c);
        assert!(t.committable().is_empty());
        t.ack("t", 0, 5);
        assert_eq!(t.committable(), vec![(p(0), 6)]);
    }

    #[test]
    fn revoked_partition_releases_its_in_flight_count() {
        let mut t = OffsetTracker::new();
        t.track("t", 0, 1);
        t.track("t", 0, 2);
        t.track("t", 1, 1);
        assert_eq!(t.remove("t", 0), 2);
        assert_eq!(t.in_flight(), 1);
        assert_eq!(t.committable_for(&[p(1)]), vec![(p(1), 1)]);
    }

    #[test]
    fn duplicate_tracking_and_unknown_acks_are_harmless() {
        let mut t = OffsetTracker::new();
        t.track("t", 0, 1);
        t.track("t", 0, 1);
        t.ack("t", 9, 1);
        assert_eq!(t.in_flight(), 1);
    }
}
