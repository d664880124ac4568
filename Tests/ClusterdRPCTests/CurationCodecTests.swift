import ClusterdCore
import Foundation
import Testing

@testable import ClusterdRPC

/// The export, topic-history and curation calls (Frame fields 31–38) on the wire, and who a change is logged under.
@Suite struct CurationCodecTests {
    static let at = Date(timeIntervalSince1970: 1_700_000_000.123)
    static let change = CurationChange(
        action: .merge,
        stableID: "c-2",
        intoStableID: "c-1",
        previousName: "Parcels",
        by: "token (clusterctl/0.2.0)",
        at: at
    )

    @Test(arguments: [
        RPCMessage.request(.exportAssignments(ExportRequest(runID: "r", after: "a65a1b2c3d4e5f60718293a4b", limit: 9))),
        .request(.exportAssignments(ExportRequest(provisional: true))),
        .reply(
            .exportAssignments(
                ExportPage(
                    runID: "r",
                    rows: [
                        ExportedAssignment(conversationID: "c,1", stableID: "c-1", distance: 0.25),
                        ExportedAssignment(
                            conversationID: "c2",
                            stableID: "c-2",
                            distance: 0.5,
                            provisional: true,
                            assignedAt: at
                        ),
                    ],
                    nextAfter: "sc2",
                    done: false
                )
            )
        ),
        .request(.getTopicHistory(stableID: "c-1", level: nil)),
        .request(.getTopicHistory(stableID: "c-1", level: 0)),
        .reply(
            .getTopicHistory(
                TopicHistory(
                    stableID: "c-1",
                    entries: [
                        TopicHistoryEntry(
                            runID: "r2",
                            createdAt: at,
                            present: true,
                            name: "Refunds",
                            size: 4,
                            level: 0,
                            parent: "p-1",
                            events: [LineageEvent(kind: .continued, stableIDs: ["c-1"], previousStableIDs: ["c-1"])]
                        ),
                        TopicHistoryEntry(runID: "r1", createdAt: at, present: false),
                    ]
                )
            )
        ),
        .request(.curateTopic(CurationRequest(action: .rename, stableID: "c-1", name: "Money", description: "d"))),
        .reply(.curateTopic(CurationOutcome(change: change, message: "merged"))),
        .request(.listCuration(stableID: "", limit: 0)),
        .reply(
            .listCuration(
                CurationLog(
                    topics: [
                        TopicCuration(stableID: "c-2", mergedInto: "c-1", updatedBy: "local", updatedAt: at),
                        TopicCuration(stableID: "c-1", name: "Money", updatedBy: "local", updatedAt: at),
                    ],
                    changes: [change]
                )
            )
        ),
    ])
    func roundTrips(body: RPCMessage) throws {
        let decoded = try WireCodec.decode(WireCodec.encode(RPCFrame(callID: 7, body: body)))
        #expect(decoded.body == body)
    }

    /// A CurateTopic frame (call id 5) whose request carries only `action`, encoded by hand as another client's
    /// encoder would.
    static func curateFrame(action: String) -> [UInt8] {
        let text = Array(action.utf8)
        let request: [UInt8] = [0x0A, UInt8(text.count)] + text
        // Frame field 1 (call_id) = 5; field 35 (curate_topic), length-delimited: tag 35 << 3 | 2 = 0x9A 0x02.
        return [0x08, 0x05, 0x9A, 0x02, UInt8(request.count)] + request
    }

    @Test func eachActionDecodesToItsCase() throws {
        for action in CurationAction.allCases {
            let frame = try WireCodec.decode(Self.curateFrame(action: action.rawValue))
            #expect(frame.body == .request(.curateTopic(CurationRequest(action: action, stableID: ""))))
        }
    }

    @Test func anUnknownActionIsRefusedWhileDecodingWithTheKnownOnesNamed() throws {
        let frame = try WireCodec.decode(Self.curateFrame(action: "Rename"))
        #expect(frame.callID == 5)
        guard case .invalidRequest(let error) = frame.body else {
            Issue.record("expected a refused request, got \(frame.body)")
            return
        }
        #expect(error.code == .invalidArgument)
        #expect(error.message == "unknown curation action \"Rename\" (one of rename, pin, unpin, merge)")
    }

    @Test func changesAreLoggedUnderTheTokenOrLocalWithTheClientsName() {
        #expect(RPCCaller.local.who == "local")
        #expect(RPCCaller(authenticated: true, clientName: "clusterctl/0.2.0").who == "token (clusterctl/0.2.0)")
        #expect(RPCCaller(authenticated: false, clientName: "py").who == "local (py)")
    }
}
