/// Escaping for text written into the report's HTML.
enum HTMLText {
    /// `text` safe in element content and in quoted attribute values: & < > " ' escaped.
    static func escape(_ text: String) -> String {
        replacing(text, ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"])
    }

    /// JSON text safe inside a `<script>` element: <, >, & and the JavaScript line separators as \u escapes (they
    /// only occur inside JSON strings, where the escapes mean the same characters).
    static func scriptJSON(_ json: String) -> String {
        replacing(
            json,
            ["<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u{2028}": "\\u2028", "\u{2029}": "\\u2029"]
        )
    }

    /// `text` with each scalar found in `table` replaced by its entry.
    private static func replacing(_ text: String, _ table: [Unicode.Scalar: String]) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let replacement = table[scalar] {
                out += replacement
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A number with at most `digits` decimals, for SVG coordinates.
    static func number(_ value: Double, digits: Int = 1) -> String {
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(rounded)
    }
}
