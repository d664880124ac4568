import ClusterdCore
import Testing

@testable import ClusterdClustering

@Suite("ClusterNamingPlanner: which clusters Claude names, and what it sees")
struct ClusterNamingPlannerTests {
    static func cluster(_ id: String, size: Int, centroid: [Float], concepts: [String], source: String = "local")
        -> Cluster
    {
        Cluster(
            runID: .string("run"),
            stableID: id,
            name: concepts.prefix(2).joined(separator: " · "),
            description: "Conversations about \(concepts.first ?? "nothing").",
            size: size,
            topConcepts: concepts,
            representativeConversationIDs: [],
            centroid: centroid,
            nameSource: source
        )
    }

    let clusters = [
        cluster("c-bake", size: 30, centroid: [1, 0, 0], concepts: ["sourdough", "oven"]),
        cluster("c-pasta", size: 20, centroid: [0.8, 0.6, 0], concepts: ["pasta sauce", "garlic"]),
        cluster("c-visa", size: 10, centroid: [0, 0, 1], concepts: ["visa", "passport"], source: "claude"),
        cluster("c-rail", size: 8, centroid: [0, 0.6, 0.8], concepts: ["rail pass"]),
        cluster("other", size: 3, centroid: [0, 1, 0], concepts: []),
    ]

    @Test("By default: nameable clusters not named by Claude; never Other or clusters below the minimum")
    func defaultChoice() {
        let planner = ClusterNamingPlanner(minClusterSize: 9)
        #expect(planner.clustersNeedingNames(clusters, namedBy: "claude") == ["c-bake", "c-pasta"])
        #expect(
            ClusterNamingPlanner(minClusterSize: 1).clustersNeedingNames(clusters, namedBy: "claude")
                == ["c-bake", "c-pasta", "c-rail"]
        )
    }

    @Test("A continued cluster that kept its name keeps its name source; a renamed one is local")
    func carryNameSources() {
        var current = clusters.map { cluster -> Cluster in
            var copy = cluster
            copy.nameSource = "local"
            return copy
        }
        var previous = clusters
        previous[0].nameSource = "claude"  // same name as now: carried
        previous[1].nameSource = "claude"
        previous[1].name = "Italian cooking"  // renamed since (drift): stays local
        ClusterNamingPlanner.carryNameSources(&current, previous: previous)
        #expect(current.map(\.nameSource) == ["claude", "local", "claude", "local", "local"])
    }

    @Test("Requests: a seeded member sample, the nearest other clusters' concepts; Other refused even if asked")
    func requests() throws {
        let planner = ClusterNamingPlanner(minClusterSize: 5, sampleSize: 3, conceptsPerMember: 2, contrastCount: 2)
        var assignments: [ClusterAssignment] = []
        var conversations: [ConversationInput] = []
        for index in 0..<6 {
            let id = RecordID.string("conv-\(index)")
            assignments.append(
                ClusterAssignment(conversationID: id, runID: .string("run"), stableID: "c-bake", distance: 0)
            )
            conversations.append(
                ConversationInput(id: id, embeddings: [[1, 0, 0]], concepts: [["Starter \(index)", "flour", "oven"]])
            )
        }
        assignments.append(
            ClusterAssignment(conversationID: .string("tiny"), runID: .string("run"), stableID: "other", distance: 0)
        )
        let made = planner.requests(
            for: ["c-bake", "other"],
            clusters: clusters,
            assignments: assignments,
            conversations: conversations
        )
        #expect(made.count == 1)
        let request = try #require(made.first)
        #expect(request.stableID == "c-bake")
        #expect(request.size == 30)
        #expect(request.topConcepts == ["sourdough", "oven"])
        #expect(request.sampledMemberConcepts.count == 3)
        #expect(request.sampledMemberConcepts.allSatisfy { $0.count == 2 && $0[1] == "flour" })
        #expect(request.contrastConcepts == [["pasta sauce", "garlic"], ["rail pass"]])
        #expect(request.localName == "sourdough · oven")

        let again = planner.requests(
            for: ["c-bake"],
            clusters: clusters,
            assignments: assignments.reversed(),
            conversations: conversations.reversed()
        )
        #expect(again == made)
    }

    @Test("apply puts the name, description and source on the cluster")
    func apply() {
        var copy = clusters
        ClusterNamingPlanner.apply(
            ClusterNaming(name: "Sourdough baking", description: "Bread."),
            source: "claude",
            stableID: "c-bake",
            to: &copy
        )
        #expect(copy[0].name == "Sourdough baking" && copy[0].description == "Bread." && copy[0].nameSource == "claude")
        #expect(copy[1] == clusters[1])
    }

    @Test("The local provider is the concept extractor, source local")
    func localProvider() {
        let extraction = LocalConceptProvider(limit: 3).extract("How long should I bake sourdough bread in the oven?")
        #expect(extraction.source == "local")
        #expect(
            extraction.concepts
                == ConceptExtractor(limit: 3).concepts(in: "How long should I bake sourdough bread in the oven?")
        )
        #expect(extraction.topic.isEmpty && extraction.language.isEmpty)
    }
}
