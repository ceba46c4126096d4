//! Criterion benchmarks of each dedup stage on synthetic 2-3 KB wire stories: normalisation,
//! shingling, signature (full fingerprint), and index query / insert over a filled window.

use criterion::{BatchSize, Criterion, Throughput, black_box, criterion_group, criterion_main};
use wiredesk::dedup::normalize::normalize_story;
use wiredesk::dedup::shingle::for_each_shingle;
use wiredesk::dedup::{DedupConfig, DedupIndex, fingerprint_with};
use wiredesk::synth;

const STORIES: usize = 2_000;
const WINDOW: usize = 50_000;

fn bench_stages(c: &mut Criterion) {
    let cfg = DedupConfig::default();
    let stories: Vec<synth::SynthStory> = synth::stories(1, STORIES).collect();
    let bytes: usize = stories
        .iter()
        .map(|s| s.headline.len() + s.body.len())
        .sum();
    let mut group = c.benchmark_group("dedup");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("normalise", |b| {
        b.iter(|| {
            for s in &stories {
                black_box(normalize_story(&s.headline, &s.body));
            }
        })
    });
    let normalised: Vec<_> = stories
        .iter()
        .map(|s| normalize_story(&s.headline, &s.body))
        .collect();
    group.bench_function("shingle", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for n in &normalised {
                for_each_shingle(&n.tokens, n.headline_tokens, cfg.shingle_k, |h, _| acc ^= h);
            }
            black_box(acc)
        })
    });
    group.bench_function("fingerprint", |b| {
        b.iter(|| {
            for s in &stories {
                black_box(fingerprint_with(&cfg, &s.headline, &s.body));
            }
        })
    });
    group.finish();

    // Index operations over a window of WINDOW stories.
    let mut index = DedupIndex::new(cfg.clone()).expect("default config is valid");
    for (i, s) in synth::stories(2, WINDOW).enumerate() {
        let fp = index.fingerprint(&s.headline, &s.body);
        index.insert(&fp, &s.uri, s.event_time_ms, i as u64, None);
    }
    let queries: Vec<_> = stories
        .iter()
        .map(|s| index.fingerprint(&s.headline, &s.body))
        .collect();
    let mut group = c.benchmark_group("dedup_index");
    group.throughput(Throughput::Elements(queries.len() as u64));
    group.sample_size(20);
    group.bench_function("query", |b| {
        b.iter(|| {
            for fp in &queries {
                black_box(index.find(fp));
            }
        })
    });
    let base_time = synth::START_MS + 10 * 86_400_000;
    group.bench_function("insert", |b| {
        b.iter_batched(
            || (queries.clone(), index_clone_free_cfg(&cfg)),
            |(fps, mut idx)| {
                for (i, fp) in fps.into_iter().enumerate() {
                    idx.insert(&fp, "urn:bench", base_time + i as i64, i as u64, None);
                }
                idx
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn index_clone_free_cfg(cfg: &DedupConfig) -> DedupIndex {
    DedupIndex::new(cfg.clone()).expect("default config is valid")
}

criterion_group!(benches, bench_stages);
criterion_main!(benches);
