//! The しきい値判断 (threshold) facts of `documents`: 様式2's II and III,
//! and the 基礎項目評価 item of 様式3 V.1 / 様式4 VI.1.

use super::choices::Found;
use super::field::field;
use crate::normalize;
use crate::segment::{Part, Row};

/// What a document states about its thresholds.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Thresholds {
    /// 対象人数, the band as written.
    pub subjects: Option<String>,
    pub subjects_as_of: Option<String>,
    /// 取扱者数: `500人以上` | `500人未満`.
    pub handlers: Option<String>,
    pub handlers_as_of: Option<String>,
    /// 重大事故: 発生あり → true, 発生なし → false.
    pub serious_incident: Option<bool>,
    /// しきい値判断結果 as written.
    pub result: Option<String>,
    /// 基礎項目評価の実施日 (様式3/4).
    pub basic_assessed_on: Option<String>,
}

/// Which threshold a row speaks of, from its label and the headings above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Topic {
    Subjects,
    Handlers,
    SeriousIncident,
    Result,
    BasicAssessment,
}

fn topic(row: &Row, label: &str) -> Option<Topic> {
    let mut context = normalize::compact(label);
    for p in row.path.iter().rev() {
        context.push('|');
        context.push_str(&normalize::compact(p));
    }
    const TOPICS: [(&str, Topic); 6] = [
        ("しきい値判断結果", Topic::Result),
        ("対象人数", Topic::Subjects),
        ("取扱者数", Topic::Handlers),
        ("500人以上か", Topic::Handlers),
        ("重大事故", Topic::SeriousIncident),
        ("基礎項目評価", Topic::BasicAssessment),
    ];
    // The label first, then the headings, innermost first.
    context.split('|').find_map(|part| {
        TOPICS
            .iter()
            .find(|(w, _)| part.contains(w))
            .map(|(_, t)| *t)
    })
}

/// Reads the thresholds from the rows and their bracketed answers.
pub fn extract(rows: &[Row], found: &[Found]) -> Thresholds {
    let mut t = Thresholds::default();
    let in_scope = |r: &Row| {
        matches!(
            r.part,
            Part::ThresholdItems | Part::ThresholdResult | Part::Procedure
        )
    };
    for f in found
        .iter()
        .filter(|f| rows.get(f.row).is_some_and(in_scope))
    {
        let row = &rows[f.row];
        let Some(value) = f.answer.value() else {
            continue;
        };
        let label = f.label.as_deref().unwrap_or("");
        let topic = if row.part == Part::ThresholdResult {
            Some(Topic::Result)
        } else {
            topic(row, label)
        };
        let slot = match topic {
            Some(Topic::Subjects) if row.part == Part::ThresholdItems => &mut t.subjects,
            Some(Topic::Handlers) if row.part == Part::ThresholdItems => &mut t.handlers,
            Some(Topic::SeriousIncident) if row.part == Part::ThresholdItems => {
                let c = normalize::compact(&value);
                if t.serious_incident.is_none() {
                    t.serious_incident = if c.contains("発生あり") {
                        Some(true)
                    } else if c.contains("発生なし") {
                        Some(false)
                    } else {
                        None
                    };
                }
                continue;
            }
            Some(Topic::Result) => &mut t.result,
            _ => continue,
        };
        slot.get_or_insert(value);
    }
    for row in rows.iter().filter(|r| in_scope(r) && r.heading.is_none()) {
        let Some(f) = field(row) else { continue };
        let label = normalize::compact(f.label);
        let date = || {
            f.text()
                .and_then(|v| normalize::find_dates(&v).first().map(|(_, d)| d.to_iso()))
        };
        if label.contains("いつ時点") {
            match topic(row, "") {
                Some(Topic::Subjects) if t.subjects_as_of.is_none() => t.subjects_as_of = date(),
                Some(Topic::Handlers) if t.handlers_as_of.is_none() => t.handlers_as_of = date(),
                _ => {}
            }
        } else if label.contains("実施日")
            && row.part == Part::Procedure
            && topic(row, "") == Some(Topic::BasicAssessment)
            && t.basic_assessed_on.is_none()
        {
            t.basic_assessed_on = date();
        }
    }
    t
}
