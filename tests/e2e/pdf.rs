//! The PDF path: third-party Japanese PDFs, the Kawasaki seed printed in
//! several encodings, and damaged or text-less files.

use std::collections::BTreeSet;
use std::path::PathBuf;

use hyokasho::decode::{Decoded, Limits, decode};
use hyokasho::diag::Status;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn decode_fixture(name: &str) -> Result<Decoded, String> {
    let bytes = std::fs::read(fixture(name)).map_err(|e| format!("{name}: {e}"))?;
    decode(&bytes, name, &Limits::default()).map_err(|e| e.to_string())
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// All the text of a document, whitespace removed.
fn all_text(d: &Decoded) -> String {
    d.lines
        .iter()
        .flat_map(|l| l.cells.iter())
        .map(|c| squeeze(c))
        .collect()
}

/// The non-empty cells of a document, whitespace removed.
fn cell_set(d: &Decoded) -> BTreeSet<String> {
    d.lines
        .iter()
        .flat_map(|l| l.cells.iter())
        .map(|c| squeeze(c))
        .filter(|c| !c.is_empty())
        .collect()
}

#[test]
fn pdfjs_files_give_their_expected_phrases() {
    let cases: &[(&str, &[&str])] = &[
        ("90ms_rksj_h_sample.pdf", &["Hello ASCII", "日本語テスト"]),
        ("noembed-sjis.pdf", &["あいうえお"]),
        ("noembed-eucjp.pdf", &["あいうえお"]),
        ("noembed-jis7.pdf", &["ABC", "あいうえお", "123"]),
        ("noembed-identity.pdf", &["ABC", "あいうえお", "123"]),
        (
            "issue13343.pdf",
            &["(57)【要約】", "(81)指定国・地域", "AP"],
        ),
        ("vertical.pdf", &["あいうえお", "日本語"]),
        ("issue6286.pdf", &["Example text: 好酸球%(Eos)"]),
        (
            "issue16063.pdf",
            &["電線接続端子部が次のいずれにも該当しないとき。"],
        ),
        (
            "javauninstall-7r.pdf",
            &[
                "の削除・インストールについて【",
                "メニューの「スタート」⇒「コントロールパネル」⇒",
            ],
        ),
        ("issue13147.pdf", &["準会場で受験の方"]),
    ];
    let mut failures = Vec::new();
    for (file, phrases) in cases {
        let name = format!("pdfjs/{file}");
        match decode_fixture(&name) {
            Ok(d) => {
                let text = all_text(&d);
                for p in *phrases {
                    if !text.contains(&squeeze(p)) {
                        failures.push(format!("{name}: no {p:?} in {text:?}"));
                    }
                }
                assert_eq!(d.encoding, "pdf");
                assert!(d.pages.is_some_and(|n| n > 0), "{name}");
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn damaged_pdfjs_file_is_flagged_as_repaired() {
    let d = decode_fixture("pdfjs/issue13147.pdf").expect("decodes");
    assert!(
        d.warnings.iter().any(|w| w.code == "pdf_repaired"),
        "{:?}",
        d.warnings
    );
}

#[test]
fn issue13343_phrases_are_on_their_pages() {
    let d = decode_fixture("pdfjs/issue13343.pdf").expect("decodes");
    let on = |page: u32, phrase: &str| {
        d.lines
            .iter()
            .filter(|l| l.page == Some(page))
            .any(|l| squeeze(&l.cells.concat()).contains(phrase))
    };
    assert!(on(1, "(57)【要約】"));
    assert!(on(2, "(81)指定国・地域"));
    assert!(on(2, "AP"));
}

#[test]
fn kangxi_radical_case_reads_the_regulation_text() {
    // The ToUnicode map gives U+2F00 for 一; normalisation (a later stage)
    // turns it into U+4E00, so either is accepted here.
    let d = decode_fixture("pdfjs/issue15340.pdf").expect("decodes");
    let text = all_text(&d).replace('\u{2F00}', "\u{4E00}");
    assert!(
        text.contains("構を一つの箱内に収めたものは、「漏電遮断器」と解釈し"),
        "{text}"
    );
}

#[test]
fn vertical_text_reads_top_to_bottom() {
    let d = decode_fixture("pdfjs/vertical.pdf").expect("decodes");
    let cells: Vec<String> = d.lines.iter().map(|l| squeeze(&l.cells.concat())).collect();
    assert!(cells.iter().any(|c| c.contains("あいうえお")), "{cells:?}");
    assert!(cells.iter().any(|c| c.contains("日本語")), "{cells:?}");
}

/// A line holding both cells (whitespace removed).
fn has_row(d: &Decoded, label: &str, value: &str) -> bool {
    d.lines.iter().any(|l| {
        let cells: Vec<String> = l.cells.iter().map(|c| squeeze(c)).collect();
        cells.iter().any(|c| c == label) && cells.iter().any(|c| c.contains(&squeeze(value)))
    })
}

const KAWASAKI: &[&str] = &[
    "001_kawasaki.calc.pdf",
    "001_kawasaki.identity-h.pdf",
    "001_kawasaki.unijis-ucs2.pdf",
    "001_kawasaki.90ms-rksj.pdf",
    "001_kawasaki.encrypted-aes256.pdf",
    "001_kawasaki.encrypted-rc4-128.pdf",
    "001_kawasaki.encrypted-aes128-nocopy.pdf",
];

#[test]
fn kawasaki_pdfs_give_label_value_rows_without_headers_or_footers() {
    for name in KAWASAKI {
        let d = decode_fixture(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(d.status, Status::Ok, "{name}: {:?}", d.error);
        assert!(
            has_row(&d, "①システムの名称", "成人保健情報管理システム"),
            "{name}"
        );
        assert!(
            has_row(&d, "⑥委託先名", "富士通Japan株式会社 川崎支店"),
            "{name}"
        );
        assert!(
            has_row(&d, "①事務の名称", "健康増進事業の実施に関する事務"),
            "{name}"
        );
        // The page-header title and `- N -` footers are not lines.
        let title = "健康増進事業の実施に関する事務全項目評価書";
        for l in &d.lines {
            let text = squeeze(&l.cells.concat());
            assert_ne!(
                text, title,
                "{name}: header kept at {:?}:{}",
                l.page, l.line
            );
            let digits = text.trim_matches('-');
            assert!(
                digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()),
                "{name}: footer {text:?} kept at {:?}:{}",
                l.page,
                l.line
            );
        }
        let unmapped = d.warnings.iter().any(|w| w.code == "unmapped_glyphs");
        assert!(!unmapped, "{name}: {:?}", d.warnings);
    }
}

#[test]
fn encrypted_copies_decode_exactly_as_the_plain_file() {
    let plain = decode_fixture("001_kawasaki.calc.pdf").expect("calc");
    for name in &KAWASAKI[4..] {
        let d = decode_fixture(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(d.lines, plain.lines, "{name}");
        assert_eq!(d.pages, plain.pages, "{name}");
    }
}

#[test]
fn copy_restriction_is_recorded() {
    let flagged = |name: &str| {
        let d = decode_fixture(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        d.warnings.iter().any(|w| w.code == "copy_restricted")
    };
    assert!(flagged("001_kawasaki.encrypted-aes128-nocopy.pdf"));
    assert!(!flagged("001_kawasaki.encrypted-aes256.pdf"));
    assert!(!flagged("001_kawasaki.calc.pdf"));
}

#[test]
fn other_encodings_give_the_cells_of_the_calc_pdf() {
    let calc = cell_set(&decode_fixture("001_kawasaki.calc.pdf").expect("calc"));
    let mut report = Vec::new();
    for name in &KAWASAKI[1..4] {
        let cells = cell_set(&decode_fixture(name).unwrap_or_else(|e| panic!("{name}: {e}")));
        let common = calc.intersection(&cells).count();
        let ratio = common as f64 / calc.len().max(1) as f64;
        report.push(format!(
            "{name}: {common}/{} calc cells found ({:.1}%), {} cells in all",
            calc.len(),
            ratio * 100.0,
            cells.len()
        ));
        assert!(ratio >= 0.98, "{}", report.join("\n"));
    }
    eprintln!("{}", report.join("\n"));
}

#[test]
fn damaged_and_textless_files_get_a_status_not_a_panic() {
    match decode_fixture("001_kawasaki.truncated.pdf") {
        Err(e) => assert!(!e.is_empty()),
        Ok(d) => {
            assert!(
                matches!(d.status, Status::Partial | Status::Failed),
                "{:?}",
                d.status
            );
            assert!(d.error.is_some());
        }
    }

    let d = decode_fixture("001_kawasaki.image-only.pdf").expect("image-only decodes");
    assert_eq!(d.status, Status::NeedsOcr);
    assert!(d.lines.is_empty());
    assert!(d.error.as_deref().is_some_and(|e| e.contains("OCR")));
    assert_eq!(d.pages, Some(15));

    let e = decode_fixture("001_kawasaki.empty.pdf").expect_err("empty fails");
    assert!(e.contains("empty"), "{e}");
}

#[test]
fn junk_and_cut_pdfs_do_not_panic() {
    let calc = std::fs::read(fixture("001_kawasaki.identity-h.pdf")).expect("read");
    let limits = Limits::default();
    for cut in [10, 1000, calc.len() / 3, calc.len() - 100] {
        let _ = decode(&calc[..cut], "cut.pdf", &limits);
    }
    let mut flipped = calc.clone();
    for i in (0..flipped.len()).step_by(997) {
        flipped[i] ^= 0x5A;
    }
    let _ = decode(&flipped, "flipped.pdf", &limits);
    let _ = decode(
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj",
        "x.pdf",
        &limits,
    );
}

#[test]
fn limits_are_errors_that_name_the_limit() {
    let bytes = std::fs::read(fixture("001_kawasaki.calc.pdf")).expect("read");
    let limits = Limits {
        max_operators: 1000,
        ..Limits::default()
    };
    // A limit stops the document: it fails, whatever pages came before.
    let err = match decode(&bytes, "calc.pdf", &limits) {
        Ok(d) => panic!("decoded despite the limit: {:?}", d.status),
        Err(e) => e.to_string(),
    };
    assert!(
        err.starts_with("limit exceeded: page 1: ") && err.contains("--max-operators"),
        "{err}"
    );
}
