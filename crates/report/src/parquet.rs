//! Parquet output through polars: the report's two tables, and the event-level usage table that
//! `pare replay --out FILE.parquet` writes.

use std::path::Path;

use pare_trail::usage::UsageSummary;
use polars::prelude::{Column, DataFrame, ParquetWriter};

use crate::model::Report;
use crate::table::{access_rows, finding_rows, ACCESS_COLUMNS, FINDING_COLUMNS};

/// Errors writing Parquet.
#[derive(Debug, thiserror::Error)]
pub enum ParquetError {
    /// Creating or writing the file failed.
    #[error("cannot write `{path}`: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// polars refused the table.
    #[error("cannot write `{path}` as Parquet: {message}")]
    Polars {
        /// The file.
        path: String,
        /// polars' message.
        message: String,
    },
}

fn strings(name: &str, v: Vec<String>) -> Column {
    Column::new(name.into(), v)
}

fn numbers(name: &str, v: Vec<u64>) -> Column {
    Column::new(name.into(), v)
}

fn write(path: &Path, columns: Vec<Column>) -> Result<(), ParquetError> {
    let p = path.display().to_string();
    let mut df = DataFrame::new(columns).map_err(|e| ParquetError::Polars {
        path: p.clone(),
        message: e.to_string(),
    })?;
    let file = std::fs::File::create(path).map_err(|source| ParquetError::Io {
        path: p.clone(),
        source,
    })?;
    ParquetWriter::new(file)
        .finish(&mut df)
        .map_err(|e| ParquetError::Polars {
            path: p,
            message: e.to_string(),
        })?;
    Ok(())
}

/// Writes the access table (principal × action × resource × state) to `path`.
pub fn write_access(report: &Report, path: &Path) -> Result<(), ParquetError> {
    let rows = access_rows(report);
    let mut cols: Vec<Vec<String>> = vec![Vec::with_capacity(rows.len()); ACCESS_COLUMNS.len()];
    let mut count = Vec::with_capacity(rows.len());
    let mut denied = Vec::with_capacity(rows.len());
    for r in &rows {
        count.push(r.count);
        denied.push(r.denied);
        for (i, cell) in r.cells().into_iter().enumerate() {
            if let Some(c) = cols.get_mut(i) {
                c.push(cell);
            }
        }
    }
    let mut out = Vec::new();
    for (i, (name, values)) in ACCESS_COLUMNS.iter().zip(cols).enumerate() {
        out.push(match i {
            7 => numbers(name, std::mem::take(&mut count)),
            8 => numbers(name, std::mem::take(&mut denied)),
            _ => strings(name, values),
        });
    }
    write(path, out)
}

/// Writes the findings table to `path`.
pub fn write_findings(report: &Report, path: &Path) -> Result<(), ParquetError> {
    let rows = finding_rows(report);
    let mut cols: Vec<Vec<String>> = vec![Vec::with_capacity(rows.len()); FINDING_COLUMNS.len()];
    for r in rows {
        for (i, cell) in r.into_iter().enumerate() {
            if let Some(c) = cols.get_mut(i) {
                c.push(cell);
            }
        }
    }
    write(
        path,
        FINDING_COLUMNS
            .iter()
            .zip(cols)
            .map(|(n, v)| strings(n, v))
            .collect(),
    )
}

/// Column names of the usage event table [`write_usage_events`] writes.
pub const USAGE_COLUMNS: [&str; 11] = [
    "principal",
    "principal_type",
    "action",
    "resource",
    "count",
    "denied",
    "first_seen",
    "last_seen",
    "event_names",
    "regions",
    "sample_event_ids",
];

/// Writes a usage summary as one row per principal × action × resource (`*` when the calls recorded no
/// resource). `count`, `denied` and the times are those of the principal's action: the usage summary keeps
/// them per action, so every resource row of an action repeats them. List columns are joined with `,`.
pub fn write_usage_events(summary: &UsageSummary, path: &Path) -> Result<(), ParquetError> {
    let mut s: Vec<Vec<String>> = vec![Vec::new(); USAGE_COLUMNS.len()];
    let mut count = Vec::new();
    let mut denied = Vec::new();
    for p in &summary.principals {
        for a in &p.actions {
            let resources = if a.resources.is_empty() {
                vec!["*".to_string()]
            } else {
                a.resources.clone()
            };
            for r in resources {
                let cells = [
                    p.arn.clone(),
                    p.r#type.to_string(),
                    a.action.clone(),
                    r,
                    String::new(),
                    String::new(),
                    a.first_seen.clone(),
                    a.last_seen.clone(),
                    a.event_names.join(","),
                    a.regions.join(","),
                    a.sample_event_ids.join(","),
                ];
                for (i, c) in cells.into_iter().enumerate() {
                    if let Some(col) = s.get_mut(i) {
                        col.push(c);
                    }
                }
                count.push(a.count);
                denied.push(a.denied);
            }
        }
    }
    let mut out = Vec::new();
    for (i, (name, values)) in USAGE_COLUMNS.iter().zip(s).enumerate() {
        out.push(match i {
            4 => numbers(name, std::mem::take(&mut count)),
            5 => numbers(name, std::mem::take(&mut denied)),
            _ => strings(name, values),
        });
    }
    write(path, out)
}
