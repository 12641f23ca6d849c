//! A line diff (longest common subsequence) between the current policy and the proposal.

/// How a line of the diff relates the two texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// In both.
    Same,
    /// Only in the current policy.
    Removed,
    /// Only in the proposal.
    Added,
}

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// Its kind.
    pub change: Change,
    /// The text (already sanitised for display).
    pub text: String,
}

/// Above this many cells the LCS table is not built; the texts are shown as removed then added.
const MAX_CELLS: usize = 4_000_000;

/// The line diff of `old` and `new`: common lines once, removed lines before added ones at each change.
pub fn diff_lines(old: &[String], new: &[String]) -> Vec<DiffLine> {
    let (n, m) = (old.len(), new.len());
    let line = |change, text: &String| DiffLine {
        change,
        text: text.clone(),
    };
    if n.saturating_mul(m) > MAX_CELLS {
        return old
            .iter()
            .map(|t| line(Change::Removed, t))
            .chain(new.iter().map(|t| line(Change::Added, t)))
            .collect();
    }
    // lcs[i][j]: length of the LCS of old[i..] and new[j..], in one flat table.
    let w = m + 1;
    let mut lcs = vec![0u32; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * w + j] = if old[i] == new[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let mut out = Vec::with_capacity(n + m);
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            out.push(line(Change::Same, &old[i]));
            i += 1;
            j += 1;
        } else if j == m || (i < n && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
            out.push(line(Change::Removed, &old[i]));
            i += 1;
        } else {
            out.push(line(Change::Added, &new[j]));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn marks_removed_and_added_lines() {
        let d = diff_lines(&v(&["{", "\"s3:*\",", "}"]), &v(&["{", "\"s3:GetObject\",", "}"]));
        let kinds: Vec<Change> = d.iter().map(|l| l.change).collect();
        assert_eq!(
            kinds,
            [Change::Same, Change::Removed, Change::Added, Change::Same]
        );
        assert_eq!(d[1].text, "\"s3:*\",");
        assert_eq!(d[2].text, "\"s3:GetObject\",");
    }

    #[test]
    fn identical_and_empty_texts() {
        assert!(diff_lines(&v(&["a", "b"]), &v(&["a", "b"]))
            .iter()
            .all(|l| l.change == Change::Same));
        assert_eq!(diff_lines(&[], &v(&["a"]))[0].change, Change::Added);
        assert_eq!(diff_lines(&v(&["a"]), &[])[0].change, Change::Removed);
        assert!(diff_lines(&[], &[]).is_empty());
    }
}
