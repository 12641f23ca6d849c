//! Renderers: every format presents the same [`Report`](crate::Report); none computes anything of its own.

pub mod csv;
pub mod html;
pub mod markdown;

/// Output formats of `pare report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One self-contained HTML file.
    Html,
    /// `DIR/access.csv` and `DIR/findings.csv`.
    Csv,
    /// `pare.report/v1`.
    Json,
    /// `DIR/access.parquet` and `DIR/findings.parquet`.
    Parquet,
    /// A Markdown summary for a ticket or a pull request.
    Markdown,
}

impl Format {
    /// Parses a `--format` value.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "html" => Format::Html,
            "csv" => Format::Csv,
            "json" => Format::Json,
            "parquet" => Format::Parquet,
            "md" | "markdown" => Format::Markdown,
            _ => return None,
        })
    }
}
