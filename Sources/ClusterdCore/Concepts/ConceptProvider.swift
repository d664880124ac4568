/// Produces the concepts of one message: the local extractor, or Claude with the local extractor as fallback.
///
/// Implementations may block (HTTP): call them from the service's analysis queue, never from an event loop or the
/// Swift cooperative pool. They never fail: a provider that cannot reach its model falls back and says so in
/// ``ConceptExtraction/source``.
public protocol ConceptProvider: Sendable {
    /// Concepts of `text`, at most the provider's limit, best first.
    func extract(_ text: String) -> ConceptExtraction
    /// The prompt version of the provider's own model (what ``ConceptExtraction/promptVersion`` says when it was
    /// not a fallback): an analysis with this version and the current embedder is up to date.
    var promptVersion: String { get }
}
