//! Criterion benchmarks for the entity tagger: construction from the embedded gazetteer and
//! tagging an original ~2.5 KB wire story (throughput in stories per second = 1 / time).

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use wiredesk::entities::EntityTagger;

const HEADLINE: &str = "Ghana Agrees IMF Deal as Lagarde Warns on Global Growth";

const BODY: &str = "ACCRA, May 14 (Meridian Wire) - Ghana reached a staff-level agreement with the \
International Monetary Fund on Wednesday for the next review of its $3 billion loan programme, \
Finance Minister Cassiel Boateng-Ansah told reporters in Accra, a step that would unlock about \
$370 million once the IMF's executive board signs off.\n\nThe deal follows two weeks of talks \
between Ghanaian officials and an IMF mission led by Rosalind Okafor-Hale, who said the country \
had made \"substantial progress\" in restoring debt sustainability. Okafor-Hale said revenue \
collection had beaten targets and the Bank of Ghana had brought inflation down to 18%.\n\n\
\"We are not out of the woods, but the direction is clear,\" Boateng-Ansah said at the Ministry \
of Finance. He added that the government would present a revised budget to Parliament in June.\n\n\
The agreement comes as European Central Bank President Christine Lagarde warned in Frankfurt that \
trade tensions between the United States and China could weigh on growth in emerging markets. \
Speaking at a conference hosted by the Kiel Institute for the World Economy, Lagarde said the \
euro zone was \"well placed\" but that Africa's largest economies remained exposed to swings in \
commodity prices.\n\nAnalysts at Harrowgate Capital in London said the Ghana deal was broadly in \
line with expectations. \"The market had priced most of this in,\" said Tobias Wendler, head of \
frontier debt at the firm. Ghana's dollar bonds rose about half a cent on the news.\n\n\
The cedi firmed 0.4% against the dollar in Accra trading. The Ghana Stock Exchange composite \
index closed up 1.1%, led by shares of Volta Cocoa Holdings and the telecoms operator MTN Ghana.\n\n\
In Kumasi, traders at the Kejetia market said food prices had stabilised. \"Last year we could \
not plan, now at least we know the price of rice from one week to the next,\" said Abena \
Kyeremateng, who sells grain near the central mosque.\n\nThe World Bank said last month it \
expected Ghana's economy to grow 4.2% this year, up from 3.1% in 2025, helped by gold and oil \
output. The African Development Bank has also approved a $150 million budget support loan.\n\n\
Opposition lawmaker Kwabena Sarfo-Mensah said the government had imposed too much of the burden \
on ordinary Ghanaians through new taxes. \"The IMF is happy, but are the people happy?\" Sarfo-Mensah \
asked in Parliament on Tuesday.\n\n(Reporting by Efua Danquah in Accra and Henrik Lauritzen in \
Frankfurt; Editing by Miriam Castellanos)";

fn tagging(criterion: &mut Criterion) {
    let tagger = match EntityTagger::new() {
        Ok(tagger) => tagger,
        Err(error) => panic!("embedded gazetteer must load: {error}"),
    };
    let mut group = criterion.benchmark_group("entities");
    group.throughput(Throughput::Elements(1));
    group.bench_function("tag_2_5kb_story", |bencher| {
        bencher.iter(|| tagger.tag(black_box(HEADLINE), black_box(BODY)))
    });
    group.finish();
    let mut construction = criterion.benchmark_group("entities_construction");
    construction.sample_size(10);
    construction.bench_function("new_from_embedded_gazetteer", |bencher| {
        bencher.iter(EntityTagger::new)
    });
    construction.finish();
}

criterion_group!(benches, tagging);
criterion_main!(benches);
