import Testing

@testable import ClusterdCore

@Suite struct ClusterNamerTests {
    /// `count` conversations, each mentioning `always` and, for the first `distinctiveCount`, `distinctive`.
    private func cluster(_ count: Int, always: String, distinctive: String, distinctiveCount: Int) -> [[String]] {
        (0..<count).map { index in index < distinctiveCount ? [always, distinctive] : [always] }
    }

    @Test func prefersDistinctiveOverMerelyFrequentConcepts() {
        let clusters = [
            cluster(10, always: "account", distinctive: "refund", distinctiveCount: 6),
            cluster(10, always: "account", distinctive: "password reset", distinctiveCount: 6),
            cluster(10, always: "account", distinctive: "shipping", distinctiveCount: 6),
        ]
        let labels = ClusterNamer().labels(for: clusters)
        #expect(labels[0].topConcepts.first == "refund")
        #expect(labels[1].topConcepts.first == "password reset")
        #expect(labels[2].topConcepts.first == "shipping")
        #expect(labels[0].name == "refund · account")
        #expect(labels[0].description == "Conversations about refund and account.")
    }

    @Test func countsEachConversationOnceAndNormalisesCase() {
        let clusters = [
            [["Billing", "billing", "billing  refund"], ["invoice"], ["invoice"]],
            [["login"]],
        ]
        let label = ClusterNamer().labels(for: clusters)[0]
        #expect(label.topConcepts == ["invoice", "billing", "billing refund"])
        #expect(label.name == "invoice · billing")
    }

    @Test func skipsConceptsContainedInAnEarlierOne() {
        let label = ClusterNamer().labels(for: [[["billing refund", "refund", "invoice", "late fee"]]])[0]
        #expect(label.name == "billing refund · invoice")
        #expect(label.description == "Conversations about billing refund, invoice and late fee.")
    }

    @Test func smallClustersAreOtherAndNeverNamedFromMembers() {
        let clusters = [
            cluster(5, always: "billing", distinctive: "refund", distinctiveCount: 3),
            [["jane doe medical record"]],
        ]
        let labels = ClusterNamer(minClusterSize: 3).labels(for: clusters)
        #expect(labels[1] == .other)
        #expect(labels[1].name == "Other")
        #expect(!labels[1].description.contains("jane"))
        #expect(labels[0].isOther == false)
        #expect(!labels[0].topConcepts.contains("jane doe medical record"))
    }

    @Test func clusterWithoutConceptsIsUnlabelled() {
        #expect(ClusterNamer().labels(for: [[[], []]])[0].name == "Unlabelled")
    }
}
