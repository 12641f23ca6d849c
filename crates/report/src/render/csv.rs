//! CSV (RFC 4180) of the report's two tables, every field neutralised by [`crate::escape::csv_field`].

use crate::escape::csv_field;
use crate::model::Report;
use crate::table::{access_rows, finding_rows, ACCESS_COLUMNS, FINDING_COLUMNS};

fn line(cells: impl IntoIterator<Item = String>) -> String {
    let mut s = cells
        .into_iter()
        .map(|c| csv_field(&c))
        .collect::<Vec<_>>()
        .join(",");
    s.push_str("\r\n");
    s
}

/// The access table as CSV text.
pub fn access(report: &Report) -> String {
    let mut out = line(ACCESS_COLUMNS.iter().map(|c| c.to_string()));
    for r in access_rows(report) {
        out.push_str(&line(r.cells()));
    }
    out
}

/// The findings table as CSV text.
pub fn findings(report: &Report) -> String {
    let mut out = line(FINDING_COLUMNS.iter().map(|c| c.to_string()));
    for r in finding_rows(report) {
        out.push_str(&line(r));
    }
    out
}
