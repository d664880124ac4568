import Testing

@testable import ClusterdClustering
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
        // "account" is in every conversation of every cluster: it names none of them.
        #expect(labels[0].name == "refund")
        #expect(labels[0].description == "Conversations about refund.")
        #expect(labels.allSatisfy { !$0.topConcepts.contains("account") && !$0.name.contains("account") })
    }

    @Test func aConceptFrequentEverywhereNeverNamesAClusterEvenWhenItIsTheMostFrequent() {
        // "help" is in 90% of every cluster; each cluster's own concepts are in 30–50% of it.
        func cluster(_ own: [String]) -> [[String]] {
            (0..<20).map { index in
                var concepts = index < 18 ? ["help"] : []
                if index % 2 == 0 { concepts.append(own[0]) }
                if index % 3 == 0 { concepts.append(own[1]) }
                return concepts
            }
        }
        let labels = ClusterNamer().labels(for: [
            cluster(["refund", "invoice"]), cluster(["login", "password"]), cluster(["parcel", "courier"]),
        ])
        #expect(labels.map(\.name) == ["refund · invoice", "login · password", "parcel · courier"])
        for label in labels {
            #expect(!label.topConcepts.contains("help"))
            #expect(!label.description.contains("help"))
        }
        // Twice as common inside as outside is distinctive enough; as common inside as outside is not.
        let mixed = ClusterNamer().labels(for: [
            (0..<10).map { $0 < 8 ? ["tracking"] : ["refund"] },
            (0..<10).map { $0 < 4 ? ["tracking"] : ["login"] },
            (0..<10).map { $0 < 4 ? ["tracking"] : ["parcel"] },
        ])
        #expect(mixed[0].topConcepts.contains("tracking"))
        #expect(!mixed[1].topConcepts.contains("tracking"))
    }

    @Test func withOneNamedClusterItsFrequentConceptsStillNameIt() {
        let labels = ClusterNamer(minClusterSize: 2).labels(for: [
            [["account", "refund"], ["account"]], [["account", "secret"]],
        ])
        #expect(labels[0].name == "account · refund")
        #expect(labels[1] == .other)
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
