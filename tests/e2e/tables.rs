//! End-to-end: the `changes`, `corrections` and `incidents` tables of the
//! bundled corpus, read back from the CSV files the binary writes.

use crate::common;

use std::path::Path;

use common::{Record, corpus_output, extract, of_doc, scratch, table};

/// The records of `name` for the document whose path contains `doc`.
fn records(name: &str, doc: &str) -> Vec<Record> {
    let docs = table(corpus_output(), "documents");
    let all = table(corpus_output(), name);
    of_doc(&all, &docs, doc).into_iter().cloned().collect()
}

fn at_line<'a>(records: &'a [Record], line: &str) -> &'a Record {
    records
        .iter()
        .find(|r| r["line"] == line)
        .unwrap_or_else(|| panic!("a record at line {line}"))
}

#[test]
fn urayasu_change_list() {
    let c = records("changes", "urayasu");
    assert_eq!(c.len(), 48);
    let numbers: Vec<String> = c.iter().map(|r| r["change_no"].clone()).collect();
    let expected: Vec<String> = (1..=48).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected);
    assert!(c.iter().all(|r| r["item"] != "項目"), "no header rows");

    let r = at_line(&c, "57");
    assert_eq!(r["changed_on"], "2022-07-22");
    assert_eq!(r["item"], "Ⅴ 評価実施手続 1. 基礎項目評価 ②実施日");
    assert_eq!(r["before"], "令和3年4月1日");
    assert_eq!(r["after"], "令和4年6月30日");
    assert_eq!(r["submission"], "事後");
    assert_eq!(r["explanation"], "評価の再実施のため");
    assert_eq!(r["continuation"], "false");

    let r = at_line(&c, "58");
    assert_eq!(r["change_no"], "48");
    assert_eq!(r["changed_on"], "2023-11-22");
    assert_eq!(r["item"], "Ⅴ 評価実施手続 1. 基礎項目評価 ①実施日");
    assert_eq!(r["before"], "令和4年6月30日");
    assert_eq!(r["after"], "令和5年10月20日");
    assert_eq!(r["explanation"], "評価再実施に伴う変更");

    // Checkbox cells, written as marks, one line per paragraph.
    let r = at_line(&c, "11");
    assert_eq!(
        r["item"],
        "Ⅲ リスク対策 6. 情報提供ネットワークシステムとの接続"
    );
    assert_eq!(r["before"], "☑ 接続しない(入手)\n☑ 接続しない(提供)");
    assert_eq!(r["after"], "☐ 接続しない(入手)\n☐ 接続しない(提供)");

    // HTML-wrapped date and submission cells.
    let r = at_line(&c, "24");
    assert_eq!(r["changed_on"], "2022-07-22");
    assert_eq!(r["item"], "Ⅲ リスク対策 8. 監査");
    assert_eq!(r["submission"], "事後");

    // Rows with no 項目 continue the row before; they keep their own cells.
    let r = at_line(&c, "14");
    assert_eq!(r["continuation"], "true");
    assert_eq!(r["item"], "");
    assert_eq!(r["submission"], "");
    assert!(
        r["after"].starts_with("(※1)情報提供ネットワークシステムを使用した"),
        "{}",
        r["after"]
    );
    let continued: Vec<&str> = c
        .iter()
        .filter(|r| r["continuation"] == "true")
        .map(|r| r["line"].as_str())
        .collect();
    assert_eq!(continued, ["14", "17", "22", "23"]);

    assert!(
        c.iter()
            .filter(|r| r["continuation"] == "false")
            .all(|r| r["submission"] == "事後")
    );
}

#[test]
fn matsudo_annex3_changes() {
    let c = records("changes", "matsudo");
    assert_eq!(c.len(), 58);
    assert!(
        c.iter().all(|r| r["item"] != "項目"),
        "no repeated header rows"
    );
    assert!(c.iter().all(|r| r["continuation"] == "false"));

    let r = &c[0];
    assert_eq!(r["change_no"], "1");
    assert_eq!(r["line"], "414");
    assert_eq!(r["changed_on"], "2022-03-09");
    assert_eq!(
        r["item"],
        "I 基本情報 2. 特定個人情報ファイルを取り扱う事務において使用するシステム システム4 ②システムの機能"
    );
    assert_eq!(r["before"], "未制定");
    assert_eq!(
        r["after"],
        "6. 新型コロナウイルス感染症予防接種証明書の電子申請受付・電子交付の実施"
    );
    assert_eq!(r["submission"], "事後");
    assert_eq!(r["explanation"], "事務手続きの追加");

    // Later rows carry no 変更日: the date is not borrowed from above.
    let r = at_line(&c, "476");
    assert_eq!(r["changed_on"], "");
    assert_eq!(r["item"], "I 基本情報(別添1)事務の内容");
    assert_eq!(r["before"], "", "the — placeholder reads as empty");
    assert_eq!(r["after"], "コンビニ交付の手順追加");
    assert_eq!(r["submission"], "事後");
    let dated = c.iter().filter(|r| r["changed_on"] == "2022-03-09").count();
    assert_eq!(dated, 33);
}

#[test]
fn kawasaki_annex3_has_a_header_and_no_changes() {
    // Kawasaki's 別添3 holds only the table's header row.
    assert!(records("changes", "kawasaki").is_empty());
}

#[test]
fn chiba_corrections() {
    let c = records("corrections", "chiba");
    assert_eq!(c.len(), 46);
    let numbers: Vec<String> = c.iter().map(|r| r["correction_no"].clone()).collect();
    let expected: Vec<String> = (1..=46).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected);
    // Repeated header rows and the `後期高齢` sub-header rows are skipped.
    assert!(c.iter().all(|r| r["item"] != "対応する評価書の項目"));
    assert!(c.iter().all(|r| r["page_ref"] != "後期高齢"));
    // Every row carries the first header's labels (later pages space them).
    assert!(
        c.iter()
            .all(|r| r["revision_1_label"] == "修正案(R2.6.30諮問時)")
    );
    assert!(
        c.iter()
            .all(|r| r["revision_2_label"] == "修正案(R2.10.26現在)")
    );

    // 変更なし in the second revision: final is the first revision.
    let r = at_line(&c, "7");
    assert_eq!(r["correction_no"], "1");
    assert_eq!(r["item"], "I 基本情報 ②事務の内容※");
    assert_eq!(r["page_ref"], "3");
    assert_eq!(r["current"], "14 上記に掲げる事務に付随する事務");
    assert_eq!(
        r["revision_1"],
        "14 傷病手当金の支給に係る申請書の提出の受付 15 上記に掲げる事務に付随する事務"
    );
    assert_eq!(r["revision_2"], "変更なし");
    assert_eq!(r["final"], r["revision_1"]);
    assert_eq!(r["reason_category"], "事務所管課による修正");
    assert_eq!(r["reason"], "・令和2年5月の条例改正に伴う修正");

    // 変更なし in the first revision only: final is the second.
    let r = at_line(&c, "13");
    assert_eq!(r["page_ref"], "13");
    assert_eq!(r["current"], "{ 委託する } { 2件 }");
    assert_eq!(r["revision_1"], "変更なし");
    assert_eq!(r["revision_2"], "{ 委託する } { 3件 }");
    assert_eq!(r["final"], "{ 委託する } { 3件 }");
    assert_eq!(r["reason_category"], "部会の意見による修正");
    assert_eq!(r["reason"], "・事務の実態に合わせて追加(委託先の追加)");

    let r = at_line(&c, "17");
    assert_eq!(r["current"], "日本電子計算株式会社");
    assert_eq!(r["final"], "N E C フィールドインクス株式会社");

    // (記載なし) reads as empty; the text added in the last revision is final.
    let r = at_line(&c, "18");
    assert_eq!(r["current"], "");
    assert_eq!(r["revision_1"], "");
    assert_eq!(r["revision_2"], "データ入力(事務センター)");
    assert_eq!(r["final"], "データ入力(事務センター)");

    // After a repeated header on the next page.
    let r = at_line(&c, "30");
    assert_eq!(r["page_ref"], "15");
    assert_eq!(r["final"], "株式会社 バソナ");

    // HTML in the reason cell.
    let r = at_line(&c, "59");
    assert_eq!(r["reason_category"], "部会の意見による修正");
    assert_eq!(r["reason"], "・ 事務の実態に合わせ追加(委託先の追加)");

    let unchanged = c.iter().filter(|r| r["revision_2"] == "変更なし").count();
    assert!(unchanged > 20, "{unchanged}");
    assert!(c.iter().all(|r| r["final"] != "変更なし"));
}

#[test]
fn corrections_only_in_correction_tables() {
    for doc in ["urayasu", "kawasaki", "koshigaya", "matsudo"] {
        assert!(records("corrections", doc).is_empty(), "{doc}");
    }
}

#[test]
fn kawasaki_incidents() {
    let i = records("incidents", "kawasaki");
    assert_eq!(i.len(), 2);

    let a = &i[0];
    assert_eq!(a["incident_no"], "1");
    assert_eq!(a["title"], "税の委託業務における無許諾での再委託");
    assert_eq!(a["discovered"], "2018-12-13");
    assert_eq!(a["line"], "339");
    assert!(
        a["summary"].starts_with(
            "平成 29 年度に市が委託したマイナンバーを含む課税資料のデータ入力業務において"
        ),
        "{}",
        a["summary"]
    );
    assert!(a["cause"].starts_with("委託先の作為による報告詐称によるもの。"));
    assert_eq!(
        a["impact"].lines().next(),
        Some("39 万 5,788 件分の個人情報が第三者(再委託先事業者)に漏えいした。")
    );
    assert_eq!(
        a["impact"].lines().last(),
        Some("なお、再委託先事業者から外部への漏えいは確認されなかった。")
    );
    assert_eq!(
        a["response"],
        "・平成 30 年 12 月 13 日 委託先事業者が来庁し、事案について報告\n・平成 30 年 12 月 19 日 議会報告及び報道発表"
    );
    assert_eq!(a["prevention"].lines().count(), 2);
    assert!(
        a["prevention"]
            .contains("令和元年 9 月 30 日付けで競争入札参加資格の指名停止措置を行った。")
    );

    let b = &i[1];
    assert_eq!(b["incident_no"], "2");
    assert_eq!(b["title"], "乳幼児健康診査受診票等の誤廃棄");
    // 発生日不明(…)。令和 2 年 6 月 8 日に所在不明の事実が判明。
    assert_eq!(b["discovered"], "2020-06-08");
    assert_eq!(b["line"], "381");
    assert!(b["summary"].starts_with("中原区役所地域支援課において、"));
    assert!(b["cause"].starts_with("・公文書分類表に記載されているにもかかわらず、"));
    assert_eq!(
        b["impact"],
        "誤廃棄した文書の件数等(推定値)\n・乳幼児健康診査受診票:紛失した期間の対象者数 7,975 件のうち、中原区在住者分\n・妊婦健康診査費用補助券:紛失した期間の対象者数 18,478 件"
    );
    assert_eq!(b["response"].lines().count(), 3);
    assert!(b["response"].ends_with("・令和 2 年 6 月 15 日 誤廃棄についての報道発表"));
    assert!(
        b["prevention"]
            .starts_with("健康診査受診票をはじめとする個人情報に記載されている文書等については、")
    );
}

#[test]
fn incidents_only_where_the_annex_is() {
    for doc in ["urayasu", "koshigaya", "matsudo", "chiba"] {
        assert!(records("incidents", doc).is_empty(), "{doc}");
    }
}

/// The given columns of every record, for comparing two documents.
fn project(records: &[Record], columns: &[&str]) -> Vec<Vec<String>> {
    records
        .iter()
        .map(|r| columns.iter().map(|c| r[*c].clone()).collect())
        .collect()
}

#[test]
fn other_encodings_give_the_same_tables() {
    let out = scratch("tables-encodings");
    let fixtures = [
        "tests/fixtures/001_kawasaki.sjis.txt",
        "tests/fixtures/001_kawasaki.eucjp.txt",
        "tests/fixtures/001_kawasaki.utf16le-bom.txt",
        "tests/fixtures/001_kawasaki.utf8-bom-crlf.txt",
        "tests/fixtures/003_matsudo.sjis.txt",
        "tests/fixtures/003_matsudo.eucjp.txt",
        "tests/fixtures/003_matsudo.utf16le-bom.txt",
        "tests/fixtures/003_matsudo.utf8-bom-crlf.txt",
    ];
    let inputs: Vec<&Path> = fixtures.iter().map(Path::new).collect();
    let run = extract(&inputs, &out, &[]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let docs = table(&out, "documents");
    let changes = table(&out, "changes");
    let incidents = table(&out, "incidents");

    let change_cols = [
        "change_no",
        "changed_on",
        "item",
        "before",
        "after",
        "submission",
        "explanation",
        "continuation",
    ];
    let incident_cols = [
        "incident_no",
        "title",
        "discovered",
        "summary",
        "cause",
        "impact",
        "response",
        "prevention",
    ];
    let matsudo = project(&records("changes", "matsudo"), &change_cols);
    let kawasaki = project(&records("incidents", "kawasaki"), &incident_cols);
    assert_eq!(matsudo.len(), 58);
    assert_eq!(kawasaki.len(), 2);
    for f in fixtures {
        let name = Path::new(f).file_name().unwrap().to_str().unwrap();
        let c: Vec<Record> = of_doc(&changes, &docs, name).into_iter().cloned().collect();
        let i: Vec<Record> = of_doc(&incidents, &docs, name)
            .into_iter()
            .cloned()
            .collect();
        if name.contains("matsudo") {
            assert_eq!(project(&c, &change_cols), matsudo, "{name}");
            assert!(i.is_empty(), "{name}");
        } else {
            assert_eq!(project(&i, &incident_cols), kawasaki, "{name}");
            assert!(c.is_empty(), "{name}");
        }
    }
}
