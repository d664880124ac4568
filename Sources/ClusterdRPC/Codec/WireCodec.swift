import ClusterdWire

/// Converts frames between Swift values and protobuf-c bytes (the frame body, without the length prefix).
///
/// The frame and its `oneof` are handled here; each message (or request/reply pair) has a codec of its own in
/// `Messages/`, and the status its table in `Status/`.
public enum WireCodec {
    /// The protocol version this build speaks.
    public static let protocolVersion: UInt32 = 1

    /// Most items in a TriggerAnalysisBatch (the proto's limit): a frame with more is refused before its items are
    /// unpacked.
    public static let maxBatchItems = 10_000

    /// Packs a frame into protobuf bytes.
    public static func encode(_ frame: RPCFrame) -> [UInt8] {
        encode(frame) { size, pack in
            [UInt8](unsafeUninitializedCapacity: size) { bytes, initialized in
                if size > 0 { pack(bytes.baseAddress!) }
                initialized = size
            }
        }
    }

    /// Packs a frame where the caller wants it: `sink` gets the packed size and a function that writes exactly that
    /// many bytes at a pointer (call it at most once, before `sink` returns; a size of 0 needs no call).
    static func encode<Result>(
        _ frame: RPCFrame,
        sink: (_ size: Int, _ pack: (UnsafeMutablePointer<UInt8>) -> Void) -> Result
    ) -> Result {
        let arena = CArena()
        var message = Clusterd__V1__Frame()
        clusterd__v1__frame__init(&message)
        message.call_id = frame.callID
        fill(&message, with: frame.body, arena: arena)
        return withUnsafePointer(to: &message) { pointer in
            let size = clusterd__v1__frame__get_packed_size(pointer)
            return sink(size) { output in
                let written = clusterd__v1__frame__pack(pointer, output)
                precondition(written == size, "protobuf-c packed \(written) of \(size) bytes")
            }
        }
    }

    /// Unpacks protobuf bytes; malformed input is an INVALID_ARGUMENT error. A batch of more than `maxBatchItems`
    /// items is `.oversizedBatch`, counted on the bytes without unpacking them.
    public static func decode<Bytes: Collection>(_ bytes: Bytes) throws(RPCError) -> RPCFrame
    where Bytes.Element == UInt8 {
        let cheap = bytes.withContiguousStorageIfAvailable { buffer in
            emptyRequest(buffer) ?? oversizedBatch(UnsafeRawBufferPointer(buffer))
        }
        if let frame = cheap ?? nil { return frame }
        return try unpack(bytes)
    }

    /// The refusal of a TriggerAnalysisBatch with more than `maxBatchItems` items, from the raw bytes; nil for any
    /// other frame.
    static func oversizedBatch(_ bytes: UnsafeRawBufferPointer) -> RPCFrame? {
        guard let (callID, items) = BatchItemCount.scan(bytes), items > maxBatchItems else { return nil }
        return RPCFrame(callID: callID, body: .oversizedBatch(items: items))
    }

    /// Unpacks protobuf bytes with protobuf-c.
    static func unpack<Bytes: Collection>(_ bytes: Bytes) throws(RPCError) -> RPCFrame where Bytes.Element == UInt8 {
        let contiguous = Array(bytes)
        let unpacked = contiguous.withUnsafeBufferPointer { buffer in
            clusterd__v1__frame__unpack(nil, buffer.count, buffer.baseAddress)
        }
        guard let unpacked else {
            throw RPCError(code: .invalidArgument, message: "malformed frame: not a clusterd.v1.Frame")
        }
        defer { clusterd__v1__frame__free_unpacked(unpacked, nil) }
        return RPCFrame(callID: unpacked.pointee.call_id, body: body(of: unpacked.pointee))
    }

    /// GetStatus and ForceClustering in the form every protobuf encoder gives them (the call id's varint field,
    /// then the empty request message), decoded without protobuf-c; nil for anything else, which the full decoder
    /// reads. The same frame as the full decoder's, at a fraction of the cost of its allocations.
    static func emptyRequest(_ bytes: UnsafeBufferPointer<UInt8>) -> RPCFrame? {
        var index = 1
        // Varints in their shortest form only: anything else is left to protobuf-c, whose limits differ between
        // tags and values.
        func varint() -> UInt64? { ProtobufVarint.read(UnsafeRawBufferPointer(bytes), at: &index, canonical: true) }
        guard bytes.count >= 4, bytes.count <= 15, bytes[0] == 0x08, bytes[bytes.count - 1] == 0 else { return nil }
        guard let callID = varint(), let tag = varint(), index == bytes.count - 1 else { return nil }
        switch tag {
        case UInt64(CLUSTERD__V1__FRAME__BODY_GET_STATUS.rawValue) << 3 | 2:
            return RPCFrame(callID: callID, request: .getStatus)
        case UInt64(CLUSTERD__V1__FRAME__BODY_FORCE_CLUSTERING.rawValue) << 3 | 2:
            return RPCFrame(callID: callID, request: .forceClustering)
        default:
            return nil
        }
    }

    // MARK: - Dispatch

    private static func fill(_ frame: inout Clusterd__V1__Frame, with body: RPCMessage, arena: CArena) {
        switch body {
        case .request(let request): fill(&frame, with: request, arena: arena)
        case .reply(let reply): fill(&frame, with: reply, arena: arena)
        case .unknown, .oversizedBatch, .invalidRequest: frame.body_case = CLUSTERD__V1__FRAME__BODY__NOT_SET
        }
    }

    private static func fill(_ frame: inout Clusterd__V1__Frame, with request: RPCRequest, arena: CArena) {
        switch request {
        case .hello(let version, let clientName, let token):
            HelloCodec.fill(&frame, protocolVersion: version, clientName: clientName, token: token, arena: arena)
        case .triggerAnalysis(let messageID, let conversationID):
            let item = TriggerItem(messageID: messageID, conversationID: conversationID)
            TriggerAnalysisCodec.fill(&frame, item: item, arena: arena)
        case .triggerAnalysisBatch(let items):
            TriggerAnalysisBatchCodec.fill(&frame, items: items, arena: arena)
        case .forceClustering:
            ForceClusteringCodec.fillRequest(&frame, arena: arena)
        case .getStatus:
            GetStatusCodec.fillRequest(&frame, arena: arena)
        case .listClusters(let runID, let page):
            ListClustersCodec.fill(&frame, runID: runID, page: page, arena: arena)
        case .listRuns(let limit, let page):
            ListRunsCodec.fill(&frame, limit: limit, page: page, arena: arena)
        case .forgetMessages(let messageIDs, let conversationID):
            ForgetMessagesCodec.fill(&frame, messageIDs: messageIDs, conversationID: conversationID, arena: arena)
        case .getConversationCluster(let conversationID):
            GetConversationClusterCodec.fill(&frame, conversationID: conversationID, arena: arena)
        case .exportAssignments(let request):
            ExportAssignmentsCodec.fill(&frame, request: request, arena: arena)
        case .getTopicHistory(let stableID, let level):
            GetTopicHistoryCodec.fill(&frame, stableID: stableID, level: level, arena: arena)
        case .curateTopic(let request):
            CurateTopicCodec.fill(&frame, request: request, arena: arena)
        case .listCuration(let stableID, let limit):
            ListCurationCodec.fill(&frame, stableID: stableID, limit: limit, arena: arena)
        case .getReport(let request):
            GetReportCodec.fill(&frame, request: request, arena: arena)
        }
    }

    private static func fill(_ frame: inout Clusterd__V1__Frame, with reply: RPCReply, arena: CArena) {
        switch reply {
        case .hello(let version, let serverVersion, let maxFrameBytes):
            HelloCodec.fill(
                &frame,
                protocolVersion: version,
                serverVersion: serverVersion,
                maxFrameBytes: maxFrameBytes,
                arena: arena
            )
        case .triggerAnalysis(let result):
            TriggerAnalysisCodec.fill(&frame, result: result, arena: arena)
        case .triggerAnalysisBatch(let result):
            TriggerAnalysisBatchCodec.fill(&frame, result: result, arena: arena)
        case .forceClustering(let result):
            ForceClusteringCodec.fill(&frame, result: result, arena: arena)
        case .getStatus(let status):
            GetStatusCodec.fill(&frame, status: status, arena: arena)
        case .listClusters(let page):
            ListClustersCodec.fill(&frame, page: page, arena: arena)
        case .listRuns(let page):
            ListRunsCodec.fill(&frame, page: page, arena: arena)
        case .forgetMessages(let result):
            ForgetMessagesCodec.fill(&frame, result: result, arena: arena)
        case .getConversationCluster(let placement):
            GetConversationClusterCodec.fill(&frame, placement: placement, arena: arena)
        case .exportAssignments(let page):
            ExportAssignmentsCodec.fill(&frame, page: page, arena: arena)
        case .getTopicHistory(let history):
            GetTopicHistoryCodec.fill(&frame, history: history, arena: arena)
        case .curateTopic(let outcome):
            CurateTopicCodec.fill(&frame, outcome: outcome, arena: arena)
        case .listCuration(let log):
            ListCurationCodec.fill(&frame, log: log, arena: arena)
        case .getReport(let page):
            GetReportCodec.fill(&frame, page: page, arena: arena)
        case .error(let error):
            ErrorCodec.fill(&frame, error: error, arena: arena)
        }
    }

    private static func body(of frame: Clusterd__V1__Frame) -> RPCMessage {
        switch frame.body_case {
        case CLUSTERD__V1__FRAME__BODY_HELLO: return .request(HelloCodec.request(frame))
        case CLUSTERD__V1__FRAME__BODY_HELLO_REPLY: return .reply(HelloCodec.reply(frame))
        case CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS: return .request(TriggerAnalysisCodec.request(frame))
        case CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_REPLY: return .reply(TriggerAnalysisCodec.reply(frame))
        case CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_BATCH: return .request(TriggerAnalysisBatchCodec.request(frame))
        case CLUSTERD__V1__FRAME__BODY_TRIGGER_ANALYSIS_BATCH_REPLY:
            return .reply(TriggerAnalysisBatchCodec.reply(frame))
        case CLUSTERD__V1__FRAME__BODY_FORCE_CLUSTERING: return .request(.forceClustering)
        case CLUSTERD__V1__FRAME__BODY_FORCE_CLUSTERING_REPLY: return .reply(ForceClusteringCodec.reply(frame))
        case CLUSTERD__V1__FRAME__BODY_GET_STATUS: return .request(.getStatus)
        case CLUSTERD__V1__FRAME__BODY_GET_STATUS_REPLY: return .reply(GetStatusCodec.reply(frame))
        case CLUSTERD__V1__FRAME__BODY_LIST_CLUSTERS: return .request(ListClustersCodec.request(frame))
        case CLUSTERD__V1__FRAME__BODY_LIST_CLUSTERS_REPLY: return .reply(ListClustersCodec.reply(frame))
        case CLUSTERD__V1__FRAME__BODY_LIST_RUNS: return .request(ListRunsCodec.request(frame))
        case CLUSTERD__V1__FRAME__BODY_LIST_RUNS_REPLY: return .reply(ListRunsCodec.reply(frame))
        case CLUSTERD__V1__FRAME__BODY_FORGET_MESSAGES: return .request(ForgetMessagesCodec.request(frame))
        case CLUSTERD__V1__FRAME__BODY_FORGET_MESSAGES_REPLY: return .reply(ForgetMessagesCodec.reply(frame))
        case CLUSTERD__V1__FRAME__BODY_GET_CONVERSATION_CLUSTER:
            return .request(GetConversationClusterCodec.request(frame))
        case CLUSTERD__V1__FRAME__BODY_GET_CONVERSATION_CLUSTER_REPLY:
            return .reply(GetConversationClusterCodec.reply(frame))
        case CLUSTERD__V1__FRAME__BODY_EXPORT_ASSIGNMENTS: return .request(ExportAssignmentsCodec.request(frame))
        case CLUSTERD__V1__FRAME__BODY_EXPORT_ASSIGNMENTS_REPLY: return .reply(ExportAssignmentsCodec.reply(frame))
        case CLUSTERD__V1__FRAME__BODY_GET_TOPIC_HISTORY: return .request(GetTopicHistoryCodec.request(frame))
        case CLUSTERD__V1__FRAME__BODY_GET_TOPIC_HISTORY_REPLY: return .reply(GetTopicHistoryCodec.reply(frame))
        case CLUSTERD__V1__FRAME__BODY_CURATE_TOPIC: return CurateTopicCodec.request(frame)
        case CLUSTERD__V1__FRAME__BODY_CURATE_TOPIC_REPLY: return .reply(CurateTopicCodec.reply(frame))
        case CLUSTERD__V1__FRAME__BODY_LIST_CURATION: return .request(ListCurationCodec.request(frame))
        case CLUSTERD__V1__FRAME__BODY_LIST_CURATION_REPLY: return .reply(ListCurationCodec.reply(frame))
        case CLUSTERD__V1__FRAME__BODY_GET_REPORT: return .request(GetReportCodec.request(frame))
        case CLUSTERD__V1__FRAME__BODY_GET_REPORT_REPLY: return .reply(GetReportCodec.reply(frame))
        case CLUSTERD__V1__FRAME__BODY_ERROR: return .reply(ErrorCodec.reply(frame))
        default: return .unknown
        }
    }
}
