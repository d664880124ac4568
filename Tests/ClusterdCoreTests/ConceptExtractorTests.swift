import Testing

@testable import ClusterdCore

@Suite struct ConceptExtractorTests {
    let extractor = ConceptExtractor()

    @Test func dropsStopWordsFillerNumbersAndSingleCharacters() {
        let concepts = extractor.concepts(in: "Hi! Thanks, I'm hoping you can help: I need a refund of 42 dollars, x")
        #expect(concepts.contains("refund"))
        for word in ["hi", "thanks", "i'm", "need", "can", "42", "x", "help"] {
            #expect(!concepts.contains { $0.split(separator: " ").contains(Substring(word)) }, "\(word) kept")
        }
    }

    @Test func findsMultiWordKeyPhrasesBestFirst() {
        let text = """
            Hello, I would like to cancel my premium subscription. The premium subscription renewal charged my credit \
            card twice. Could you refund it?
            """
        let concepts = extractor.concepts(in: text)
        #expect(concepts.contains("premium subscription"))
        #expect(concepts.contains("credit card"))
        #expect(concepts.contains("refund"))
        #expect(concepts.first?.split(separator: " ").count ?? 0 >= 2)
        #expect(concepts == extractor.concepts(in: text))
        #expect(Set(concepts).count == concepts.count)
    }

    @Test func punctuationEndsPhrasesAndLongRunsAreCut() {
        let concepts = ConceptExtractor(limit: 20).concepts(in: "database migration. server outage")
        #expect(concepts.contains("database migration"))
        #expect(concepts.contains("server outage"))
        #expect(!concepts.contains("migration server"))
        let long = ConceptExtractor(limit: 20).concepts(in: "alpha beta gamma delta epsilon")
        #expect(long.allSatisfy { $0.split(separator: " ").count <= 3 })
        #expect(long.contains("alpha beta gamma"))
    }

    @Test func respectsTheLimitAndHandlesEmptyText() {
        let text =
            "apples bananas. cherries dates. eggs flour. grapes honey. ice jam. kiwi lemon. mango nuts. oats pears"
        #expect(extractor.concepts(in: text).count == 8)
        #expect(ConceptExtractor(limit: 2).concepts(in: text).count == 2)
        #expect(extractor.concepts(in: "").isEmpty)
        #expect(extractor.concepts(in: "hi thanks, I'd like that please").isEmpty)
    }

    @Test func keepsCurlyApostropheContractionsTogether() {
        #expect(TextTokenizer.words("I\u{2019}m here, don't go") == ["i'm", "here", "don't", "go"])
        #expect(extractor.concepts(in: "I\u{2019}m locked out").contains("locked"))
    }
}
