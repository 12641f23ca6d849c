//! IAM action wildcards: `*` matches any run of characters, `?` exactly one; ASCII case-insensitive.

/// Whether `text` matches `pattern` (both compared ASCII case-insensitively).
pub(crate) fn matches(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&t[ti]) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn stars_and_question_marks() {
        assert!(matches("s3:Get*", "s3:GetObject"));
        assert!(matches("S3:GET*", "s3:getobject"));
        assert!(matches("*", "anything:Here"));
        assert!(matches("*:Get*", "ec2:GetConsoleOutput"));
        assert!(matches("s3:?etObject", "s3:GetObject"));
        assert!(!matches("s3:?etObject", "s3:etObject"));
        assert!(!matches("s3:Get*", "s3-outposts:GetObject"));
        assert!(matches("s3:*Object*", "s3:PutObjectAcl"));
        assert!(!matches("s3:GetObject", "s3:GetObjectAcl"));
        assert!(matches("a*b*c", "aXXbYYc"));
        assert!(!matches("a*b*c", "aXXbYY"));
        assert!(matches("", ""));
        assert!(!matches("", "x"));
    }
}
