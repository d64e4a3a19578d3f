//! Benchmark of resume screening: 1,000 plain-text resumes (four in five English, one in five
//! Chinese, each different) screened one after another on one thread, from bytes to screening,
//! several times; the median batch is the figure (the target is under 2 s). The fixtures' PDF and
//! DOCX are timed too. Run with `cargo bench -p hireloop-coach --bench resume`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Instant;

use hireloop_coach::resume::{Screener, YearMonth};
use hireloop_core::Content;

const COMPANIES: [&str; 6] = ["Taobao", "Tmall", "Lazada", "Ele.me", "Fliggy", "Cainiao"];
const AREAS: [&str; 5] = [
    "checkout",
    "search",
    "seller onboarding",
    "live commerce",
    "membership",
];

/// A resume that differs from the others in its numbers, names and length.
fn english(i: usize) -> String {
    let c = COMPANIES[i % COMPANIES.len()];
    let a = AREAS[i % AREAS.len()];
    let start = 2010 + i % 9;
    let mut s = format!(
        "Candidate {i}\nProduct Manager\n\nWork Experience\n\
         Senior Product Manager, {c} {a} (Mar {start} - Present)\n\
         - Led the {a} roadmap and launched {n} features with engineering and design.\n\
         - Lifted conversion from {x}.{y}% to {x2}.{y}% across {m}M users in two quarters.\n\
         - Owned the PRD and ran A/B tests on the {a} flow; cut drop-off by {p}%.\n\
         - Grew GMV {g}x in three years and scaled the service to {q}k QPS on 11.11.\n",
        n = 5 + i % 20,
        x = 2 + i % 3,
        x2 = 3 + i % 3,
        y = i % 10,
        m = 1 + i % 40,
        p = 5 + i % 30,
        g = 2 + i % 4,
        q = 10 + i % 90,
    );
    for k in 0..(i % 4) {
        s.push_str(&format!(
            "- Assisted the {} team with planning round {k}; helped with research notes.\n",
            AREAS[(i + k) % AREAS.len()]
        ));
    }
    s.push_str(&format!(
        "Product Manager, {} (Jul {} - Feb {start})\n\
         - Participated in weekly reviews and supported the operations team.\n\n\
         Education\nB.Sc. Computer Science, Zhejiang University ({} - {})\n\n\
         Languages\nMandarin (native), English (fluent)\n",
        COMPANIES[(i + 1) % COMPANIES.len()],
        start - 3,
        start - 7,
        start - 3,
    ));
    s
}

fn chinese(i: usize) -> String {
    format!(
        "候选人{i} · 高级产品经理\n\n工作经历\n\
         阿里巴巴 · 产品经理　{start}.0{mo} – 至今\n\
         - 主导{a}从0到1的搭建，服务商家超过{n}万家，带动GMV提升{p}%。\n\
         - 负责产品规划与需求文档，日活从{d}万增长到{d2}万。\n\
         - 参与用户调研与竞品分析。\n\n\
         教育背景\n浙江大学 · 本科　{e}.09 – {f}.06\n\n语言能力\n普通话（母语），英语六级\n",
        start = 2012 + i % 8,
        mo = 1 + i % 9,
        a = AREAS[i % AREAS.len()],
        n = 1 + i % 9,
        p = 10 + i % 150,
        d = 100 + i % 300,
        d2 = 500 + i % 900,
        e = 2008 + i % 4,
        f = 2012 + i % 4,
    )
}

fn main() {
    let content = Content::builtin().unwrap();
    let t = Instant::now();
    let screener = Screener::new(&content);
    let build = t.elapsed();
    let t = Instant::now();
    let _ = hireloop_coach::text::jieba();
    let dict = t.elapsed();
    let as_of: YearMonth = "2025-06".parse().unwrap();
    let resumes: Vec<Vec<u8>> = (0..1000)
        .map(|i| {
            if i % 5 == 4 {
                chinese(i).into_bytes()
            } else {
                english(i).into_bytes()
            }
        })
        .collect();
    let bytes: usize = resumes.iter().map(Vec::len).sum();
    println!(
        "resume benchmarks: compiling the lexicon {:.1} ms; loading the Chinese dictionary {:.0} ms (once per process)",
        build.as_secs_f64() * 1e3,
        dict.as_secs_f64() * 1e3
    );
    let batch = || {
        let t = Instant::now();
        let mut advance = 0;
        for r in &resumes {
            let s = screener.screen(black_box(r), "resume.txt", as_of).unwrap();
            advance += usize::from(s.suggestion == hireloop_coach::resume::Suggestion::Advance);
        }
        (t.elapsed().as_secs_f64(), advance)
    };
    let (_, advance) = batch();
    let mut times: Vec<f64> = (0..7).map(|_| batch().0).collect();
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "screen 1,000 plain-text resumes ({} KB, {advance} advance)  median {median:.3} s  min {:.3}  max {:.3}  → {:.0} µs a resume; target < 2 s: {}",
        bytes / 1000,
        times[0],
        times[times.len() - 1],
        median * 1e3,
        if median < 2.0 { "met" } else { "NOT met" }
    );
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/resumes/");
    for file in ["strong-pm.pdf", "growth-pm.docx", "analyst.json"] {
        let data = std::fs::read(format!("{dir}{file}")).unwrap();
        let mut times: Vec<f64> = (0..200)
            .map(|_| {
                let t = Instant::now();
                black_box(screener.screen(&data, file, as_of).unwrap());
                t.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "screen {file:<16} ({:>5} bytes)                 median {:>8.1} µs  p10 {:>8.1}  p90 {:>8.1}",
            data.len(),
            times[100] * 1e6,
            times[20] * 1e6,
            times[180] * 1e6
        );
    }
}
