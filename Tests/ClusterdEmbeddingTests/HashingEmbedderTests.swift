import Testing

@testable import ClusterdCore
@testable import ClusterdEmbedding

@Suite struct HashingEmbedderTests {
    let embedder = HashingEmbedder()

    private func cosine(_ lhs: String, _ rhs: String) -> Double {
        VectorMath.dot(embedder.vector(for: lhs), embedder.vector(for: rhs))
    }

    @Test func describesItselfAsTheFallback() {
        #expect(embedder.identifier == "hashing-v1")
        #expect(embedder.dimension == 384)
        #expect(embedder.isFallback)
        #expect(HashingEmbedder(dimension: 64).vector(for: "billing").count == 64)
    }

    @Test func isDeterministicAndFixedAcrossProcesses() throws {
        let text = "My invoice shows a double charge, I'd like a refund."
        let first = try embedder.embed([text, text])
        #expect(first[0] == first[1])
        #expect(first[0] == HashingEmbedder().vector(for: text))
        // FNV-1a is fixed, so the bucket of a known feature never changes (unlike Swift's seeded Hasher).
        #expect(FNV1a.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash("a") == 0xaf63_dc4c_8601_ec8c)
    }

    @Test(arguments: ["", "   ", "?!", "hello", "Refund my invoice please", "日本語のテキスト"])
    func returnsUnitVectors(text: String) {
        let vector = embedder.vector(for: text)
        let norm = VectorMath.dot(vector, vector).squareRoot()
        #expect(abs(norm - 1) < 1e-5)
    }

    @Test func emptyTextGetsOneFixedVector() {
        #expect(embedder.vector(for: "") == embedder.vector(for: "...!"))
        #expect(embedder.vector(for: "").filter { $0 != 0 }.count == 1)
    }

    @Test func similarTextsAreCloserThanUnrelatedOnes() {
        let refund = "I was charged twice and want a refund for my invoice"
        let similar = "Please refund the double charge on my invoice"
        let unrelated = "How do I reset the password of my account on the mobile app"
        #expect(cosine(refund, similar) > cosine(refund, unrelated) + 0.2)
        #expect(cosine("refunds for invoices", "refund invoice") > cosine("refunds for invoices", "password reset"))
    }

    @Test func caseAndPunctuationDoNotMatter() {
        #expect(embedder.vector(for: "Refund, INVOICE!") == embedder.vector(for: "refund invoice"))
    }
}
