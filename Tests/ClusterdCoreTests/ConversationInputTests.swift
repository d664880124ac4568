import Testing

@testable import ClusterdCore

@Suite struct ConversationInputTests {
    @Test func vectorIsTheNormalisedEqualWeightMean() {
        let input = ConversationInput(id: .string("c"), embeddings: [[10, 0], [0, 1], [1, 2, 3]], concepts: [])
        let vector = input.vector(dimension: 2)
        #expect(abs(vector[0] - vector[1]) < 1e-6)
        #expect(abs(VectorMath.dot(vector, vector) - 1) < 1e-6)
        #expect(ConversationInput(id: .string("e"), embeddings: [], concepts: []).vector(dimension: 3) == [0, 0, 0])
    }

    @Test func distinctConceptsAreNormalisedInFirstSeenOrder() {
        let input = ConversationInput(
            id: .string("c"),
            embeddings: [],
            concepts: [["Refund", " invoice "], ["refund", ""]]
        )
        #expect(input.distinctConcepts == ["refund", "invoice"])
    }
}
