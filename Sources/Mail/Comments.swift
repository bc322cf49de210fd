/// RFC 5322 §3.2.2 comments, `(…)`, which header readers skip: they nest, and `\` escapes the
/// character after it.
enum Comments {
    /// The index just after the comment that starts (with its `(`) at `start`; the end of
    /// `scalars` if the comment is never closed.
    static func end(in scalars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        var depth = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == "\\" {
                index += 1
            } else if scalar == "(" {
                depth += 1
            } else if scalar == ")" {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return scalars.count
    }
}
