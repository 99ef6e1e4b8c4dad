//! End-to-end: typed records of the corpus, field by field.

use crate::common;

use common::*;

fn records(table_name: &str, doc: &str) -> Vec<Record> {
    let docs = table(corpus_output(), "documents");
    let all = table(corpus_output(), table_name);
    of_doc(&all, &docs, doc).into_iter().cloned().collect()
}

fn warnings_of(doc: &str) -> Vec<String> {
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(corpus_output().join("manifest.json")).expect("manifest"),
    )
    .expect("json");
    manifest["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .filter(|d| d["source_path"].as_str().is_some_and(|p| p.contains(doc)))
        .flat_map(|d| d["warnings"].as_array().cloned().unwrap_or_default())
        .map(|w| w["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn kawasaki_systems_with_checked_connections() {
    let s = records("systems", "kawasaki");
    assert_eq!(s.len(), 2);
    assert_eq!(s[0]["system_no"], "1");
    assert_eq!(s[0]["name"], "成人保健情報管理システム");
    assert_eq!(
        s[0]["connections"],
        "庁内連携システム;既存住民基本台帳システム"
    );
    assert_eq!(s[0]["other_connection"], "");
    assert!(s[0]["functions"].starts_with("1 健診準備機能"));
    assert_eq!(s[1]["name"], "システム連携基盤");
    assert_eq!(s[1]["connections"], "既存住民基本台帳システム;その他");
    assert_eq!(s[1]["other_connection"], "中間サーバ");
}

#[test]
fn koshigaya_systems_start_at_three_and_unknown_boxes_are_not_connections() {
    let s = records("systems", "koshigaya");
    let names: Vec<(&str, &str)> = s
        .iter()
        .map(|r| (r["system_no"].as_str(), r["name"].as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("3", "中間サーバー"),
            (
                "4",
                "団体内統合宛名システム(以下「統合宛名システム」という。)"
            )
        ]
    );
    // システム3's boxes are bare inputs without a checked state.
    assert_eq!(s[0]["connections"], "");
    assert_eq!(
        s[1]["connections"],
        "庁内連携システム;既存住民基本台帳システム;宛名システム等;その他"
    );
    assert_eq!(s[1]["other_connection"], "中間サーバー");
    let w = warnings_of("koshigaya");
    assert!(w.contains(&"systems_missing".to_string()), "{w:?}");
    assert!(w.contains(&"connections_unknown".to_string()), "{w:?}");
}

#[test]
fn files_of_section_two() {
    let f = records("files", "kawasaki");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["name"], "成人検診情報ファイル");
    assert_eq!(f[0]["file_type"], "システム用ファイル");
    assert_eq!(f[0]["subject_count"], "10万人以上100万人未満");
    assert_eq!(f[0]["record_item_count"], "100項目以上");
    assert_eq!(f[0]["holding_start"], "2016-04");
    assert_eq!(f[0]["department"], "健康福祉局保健所健康増進課");
    let m = records("files", "matsudo");
    assert_eq!(m[0]["name"], "予防接種データファイル");
    assert_eq!(m[0]["holding_start"], "2016-01-01");
}

#[test]
fn kawasaki_contractor() {
    let c = records("contractors", "kawasaki");
    assert_eq!(c.len(), 1, "委託事項2～5 placeholders are not records");
    let c = &c[0];
    assert_eq!(c["file_name"], "成人検診情報ファイル");
    assert_eq!(c["entrustment_no"], "1");
    assert_eq!(c["title"], "成人保健情報管理システムの運用・保守");
    assert_eq!(c["scope"], "特定個人情報ファイルの全体");
    assert_eq!(c["handler_count"], "10人未満");
    assert_eq!(
        c["delivery_methods"],
        "その他 (サーバ室内におけるシステムの直接操作)"
    );
    assert_eq!(c["contractor_name"], "富士通Japan株式会社 川崎支店");
    assert_eq!(
        c["contractor_name_normalized"],
        "富士通Japan株式会社 川崎支店"
    );
    assert_eq!(c["subcontracting"], "再委託する");
    assert_eq!(c["subcontract_scope"], "運用・保守業務の一部を再委託");
}

#[test]
fn matsudo_contractors_including_one_whose_heading_was_lost() {
    let c = records("contractors", "matsudo");
    let names: Vec<(&str, &str, &str)> = c
        .iter()
        .map(|r| {
            (
                r["entrustment_no"].as_str(),
                r["contractor_name"].as_str(),
                r["contractor_name_normalized"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("1", "(株)両備システムズ", "株式会社両備システムズ"),
            ("2", "株式会社ミラボ", "株式会社ミラボ")
        ]
    );
    assert_eq!(c[0]["subcontracting"], "再委託する");
    assert_eq!(c[1]["subcontracting"], "再委託しない");
    assert_eq!(c[1]["scope"], "特定個人情報ファイルの一部");
    assert!(warnings_of("matsudo").contains(&"entrustment_heading_missing".to_string()));
    // The group label in the first cell (`再委託 | ⑦再委託の有無 ※ [再委託しない]`).
    assert_eq!(
        records("contractors", "koshigaya")[0]["subcontracting"],
        "再委託しない"
    );
}

#[test]
fn matsudo_provisions() {
    let p = records("provisions", "matsudo");
    assert_eq!(p.len(), 4);
    let recipients: Vec<&str> = p.iter().map(|r| r["recipient"].as_str()).collect();
    assert_eq!(
        recipients,
        ["市町村長", "都道府県知事", "市町村長", "市区町村長"]
    );
    assert!(p.iter().all(|r| r["kind"] == "提供"));
    assert_eq!(p[0]["legal_basis"], "番号法第19条第8号 別表第二 16の2の項");
    assert_eq!(p[3]["methods"], "その他 (ワクチン接種記録システム(VRS))");
    assert_eq!(p[0]["subject_count"], "10万人以上100万人未満");
}

#[test]
fn kawasaki_risk_ratings() {
    let r = records("risk_ratings", "kawasaki");
    assert_eq!(r.len(), 22);
    let codes: Vec<&str> = r.iter().map(|x| x["risk_code"].as_str()).collect();
    assert_eq!(
        &codes[..5],
        ["III-2-R1", "III-2-R2", "III-2-R3", "III-2-R4", "III-3-R1"]
    );
    assert!(codes.contains(&"III-4-R0"));
    assert!(codes.contains(&"III-6-R7"));
    assert_eq!(codes.last(), Some(&"III-7-R3"));
    assert!(
        r.iter()
            .all(|x| x["rating"] == "十分である" && x["rating_level"] == "2")
    );
    let r3 = &r[2];
    assert_eq!(
        r3["risk_title"],
        "入手した特定個人情報 that 不正確であるリスク"
    );
    assert_eq!(
        r3["risk_title_canonical"],
        "入手した特定個人情報が不正確であるリスク"
    );
    assert_eq!(
        r[4]["risk_title_canonical"],
        "目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスク"
    );
    assert!(r[0]["measures"].contains("対象者以外の情報の入手を防止するための措置の内容"));
    assert!(r.iter().all(|x| x["file_name"] == "成人検診情報ファイル"));
    assert!(r[0]["section_title"].starts_with("特定個人情報の入手"));
}

#[test]
fn ratings_in_other_cells_and_out_of_order_options() {
    // Matsudo puts the options in other cells, `1) … 3) …` then `2) …`.
    let r = records("risk_ratings", "matsudo");
    assert_eq!(r.len(), 22);
    assert!(r.iter().all(|x| !x["rating"].is_empty()));
    let c = records("choices", "matsudo");
    for x in c.iter().filter(|x| x["label"] == "リスクへの対策は十分か") {
        assert_eq!(
            x["options"],
            "特に力を入れている;十分である;課題が残されている"
        );
        assert_eq!(x["option_no"], "2");
    }
    assert_eq!(records("risk_ratings", "koshigaya").len(), 18);
}

#[test]
fn choices_anywhere() {
    let c = records("choices", "kawasaki");
    let find = |label: &str| {
        c.iter()
            .find(|x| x["label"] == label)
            .unwrap_or_else(|| panic!("choice {label}"))
    };
    let people = find("③対象人数");
    assert_eq!(people["value"], "30万人以上");
    assert_eq!(people["option_no"], "5");
    assert_eq!(people["section"], "I");
    let users = find("使用者数");
    assert_eq!(users["value"], "10人以上50人未満");
    assert_eq!(users["option_no"], "2");
    let nisc = find("①NISC政府機関統一基準群");
    assert_eq!(nisc["value"], "政府機関ではない");
    assert_eq!(nisc["option_no"], "4");
    assert_eq!(find("①自己点検")["value"], "十分に行っている");
    // `②保管期間 | 期間 | <選択肢> … [10年以上20年未満]`: options before the answer.
    let kept = find("期間");
    assert!(kept["path"].ends_with("6. 特定個人情報の保管・消去"));
    assert_eq!(kept["value"], "10年以上20年未満");
    assert_eq!(kept["option_no"], "8");
    let entrust = find("委託の有無 ※");
    assert_eq!(entrust["options"], "委託する;委託しない");
    // The cover's form version in brackets is not a choice.
    assert!(c.iter().all(|x| x["section"] != "cover"));
}
