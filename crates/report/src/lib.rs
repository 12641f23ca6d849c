//! Compliance reports: report model, control mappings (data files), HTML, CSV, JSON, Parquet and Markdown renderers.
