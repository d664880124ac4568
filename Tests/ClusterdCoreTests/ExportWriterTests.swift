import ClusterdCore
import Foundation
import Testing

/// Export lines: the stable id at every level, RFC 4180 quoting, provisional rows, JSON Lines.
struct ExportWriterTests {
    let clusters = [
        ClusterSummary(
            stableID: "c-1",
            name: "Refunds, \"fast\"",
            description: "line one\nline two",
            size: 2,
            topConcepts: ["refund", "invoice"],
            representativeConversationIDs: [],
            parent: "p-1"
        ),
        ClusterSummary(
            stableID: "p-1",
            name: "Billing",
            description: "",
            size: 2,
            topConcepts: [],
            representativeConversationIDs: [],
            level: 1
        ),
    ]

    @Test func csvHasAHeaderAColumnPerLevelAndQuotesWhatMustBe() {
        let writer = ExportWriter(format: .csv, runID: "run-1", clusters: clusters)
        #expect(
            writer.assignmentsHeader
                == "conversation_id,run_id,provisional,distance,assigned_at,stable_id_l0,stable_id_l1"
        )
        #expect(
            writer.line(ExportedAssignment(conversationID: "conv,1", stableID: "c-1", distance: 0.25))
                == "\"conv,1\",run-1,false,0.25,,c-1,p-1"
        )
        let placed = ExportedAssignment(
            conversationID: "say \"hi\"",
            stableID: "c-1",
            distance: 0.5,
            provisional: true,
            assignedAt: Date(timeIntervalSince1970: 0)
        )
        #expect(writer.line(placed) == "\"say \"\"hi\"\"\",run-1,true,0.5,1970-01-01T00:00:00Z,c-1,p-1")
        #expect(writer.clustersHeader == "stable_id,level,parent,name,description,size,top_concepts")
        #expect(
            writer.line(clusters[0]) == "c-1,0,p-1,\"Refunds, \"\"fast\"\"\",\"line one\nline two\",2,refund; invoice"
        )
        #expect(writer.line(clusters[1]) == "p-1,1,,Billing,,2,")
        #expect(ExportWriter.csvField("a\r\nb") == "\"a\r\nb\"")
        #expect(ExportWriter.csvField("plain") == "plain")
    }

    @Test func jsonLinesCarryThePathAndTheProvisionalFlag() throws {
        let writer = ExportWriter(format: .jsonl, runID: "run-1", clusters: clusters)
        #expect(writer.assignmentsHeader == nil)
        let line = writer.line(
            ExportedAssignment(conversationID: "c\n1", stableID: "c-1", distance: 0.5, provisional: true)
        )
        #expect(!line.contains("\n"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["conversation_id"] as? String == "c\n1")
        #expect(object["stable_ids"] as? [String] == ["c-1", "p-1"])
        #expect(object["provisional"] as? Bool == true)
        #expect(object["record"] as? String == "assignment")
        let cluster = try #require(
            JSONSerialization.jsonObject(with: Data(writer.line(clusters[0]).utf8)) as? [String: Any]
        )
        #expect(cluster["top_concepts"] as? [String] == ["refund", "invoice"])
        #expect(cluster["parent"] as? String == "p-1")
    }

    @Test func anUnknownStableIdHasOnlyItselfAsPath() {
        let writer = ExportWriter(format: .csv, runID: "r", clusters: clusters)
        #expect(writer.path(of: "c-9") == ["c-9"])
        #expect(
            writer.line(ExportedAssignment(conversationID: "x", stableID: "c-9", distance: 1)) == "x,r,false,1.0,,c-9,"
        )
    }
}
