import ClusterdCore
import Testing

@testable import ClusterdRPC

@Suite struct FrameHeaderTests {
    private func scan(_ bytes: [UInt8]) -> FrameHeader? {
        bytes.withUnsafeBytes { FrameHeader.scan($0) }
    }

    @Test(
        "the call id and body field of every kind of frame, without decoding the body",
        arguments: [
            (RPCMessage.request(.getStatus), 16), (.reply(.getStatus(ServiceStatus())), 17),
            (.request(.triggerAnalysis(messageID: "m", conversationID: "c")), 12),
            (.reply(.triggerAnalysis(TriggerAnalysisResult(outcome: .queued, queueDepth: 3))), 13),
            (.reply(.error(RPCError(code: .resourceExhausted, message: "full"))), 20), (.request(.forceClustering), 14),
        ]
    )
    func everyBody(body: RPCMessage, field: Int) throws {
        for callID: UInt64 in [0, 1, 300, .max] {
            let header = try #require(scan(WireCodec.encode(RPCFrame(callID: callID, body: body))))
            #expect(header.callID == callID)
            #expect(header.bodyField == field)
            #expect(header.isError == (field == FrameHeader.errorField))
        }
    }

    @Test func unknownFieldsAreSkipped() throws {
        var bytes = WireCodec.encode(RPCFrame(callID: 9, request: .getStatus))
        bytes += [0xC2, 0x3E, 3, 0, 0, 0]  // field 1000, length 3
        bytes += [0x7D, 1, 2, 3, 4]  // field 15, 32-bit
        #expect(scan(bytes) == FrameHeader(callID: 9, bodyField: 16))
    }

    @Test func malformedInputIsNil() {
        let valid = WireCodec.encode(
            RPCFrame(callID: 300, request: .triggerAnalysis(messageID: "abc", conversationID: ""))
        )
        for cut in 1..<valid.count {
            // Every strict prefix ends inside a varint or a field: never a header with wrong values.
            if let header = scan(Array(valid.prefix(cut))) {
                #expect(header.bodyField == 0, "a cut at \(cut) still claimed a body")
            }
        }
        #expect(scan([0x08, 0x80]) == nil)  // truncated varint
        #expect(scan([0x62, 10, 1]) == nil)  // field 12 longer than the input
        #expect(scan([0x0B]) == nil)  // wire type 3 (groups) is not used
        #expect(scan([]) == FrameHeader(callID: 0, bodyField: 0))
    }
}
