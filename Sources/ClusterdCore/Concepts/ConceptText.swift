/// How concepts are compared: lower-cased, inner whitespace collapsed to one space, trimmed.
package enum ConceptText {
    /// The comparable form of a concept.
    package static func normalize(_ concept: String) -> String {
        concept.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
