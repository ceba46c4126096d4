//! Clustering throughput with a full window: 100,000 synthetic stories (with entities) are
//! clustered first, then each iteration assigns the next batch of 1,000 stories.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wiredesk::cluster::eval::synthetic_stories;
use wiredesk::cluster::{ClusterConfig, ClusterDoc, StoryClusterer};

const WINDOW: usize = 100_000;
const BATCH: usize = 1_000;

fn bench_assign(c: &mut Criterion) {
    let stories = synthetic_stories(WINDOW + 20 * BATCH, WINDOW / 3, WINDOW as f64 / 48.0, 7);
    let doc = |i: usize| {
        let s = &stories[i];
        ClusterDoc {
            uri: &s.uri,
            event_time_ms: s.event_time_ms,
            headline: &s.headline,
            body: &s.body,
            entities: &s.entities,
        }
    };
    let mut clusterer = match StoryClusterer::new(ClusterConfig::default()) {
        Ok(clusterer) => clusterer,
        Err(error) => panic!("config: {error}"),
    };
    for i in 0..WINDOW {
        clusterer.assign(&doc(i));
    }
    let mut group = c.benchmark_group("cluster");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.sample_size(10);
    let mut next = WINDOW;
    group.bench_function("assign_100k_window", |b| {
        b.iter(|| {
            for _ in 0..BATCH {
                if next >= stories.len() {
                    next = WINDOW;
                }
                std::hint::black_box(clusterer.assign(&doc(next)));
                next += 1;
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_assign);
criterion_main!(benches);
