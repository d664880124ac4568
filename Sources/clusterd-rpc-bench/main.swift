// clusterd-rpc-bench (make bench-rpc): the RPC path of a release clusterd against the transport's ceiling, from a
// release-built load client.
//
// 1. GetStatus, closed loop, against a minimal SwiftNIO echo server with clusterd's framing (the ceiling; this
//    binary run with --serve-echo, in a process of its own like clusterd), against the same echo padding each reply
//    to the size of clusterd's status reply, and against clusterd, at 1×1, 16×16 and 64×16 connections × depth, in
//    alternating rounds; prints the median throughput ratios (target ≥ 0.8×).
// 2. TriggerAnalysis peak throughput, closed loop on 16 connections one call at a time (request/reply) and 16 deep
//    (pipelined); then open-loop runs on 16 connections at half of each peak, latency counted from when each call
//    was due; prints the p99s (target < 1 ms).
//
// The server runs on the MongoDB given by CLUSTERD_TEST_MONGODB_URI (or an embedded one it starts) with 2,000
// host messages inserted, with the production 15 s timer, and is measured once they are analysed and the clustering
// run that follows has finished; CLUSTERD_BIN names the server binary. Options: --client-threads N (client event
// loops, default 1), --seconds S (per run, default 3), --rounds R (alternating echo/clusterd rounds, default 3),
// --trigger-rate R (also runs the open loop at R calls/s), --server-env KEY=VALUE (any server setting; repeatable), --server-threads N (clusterd's event loops, CLUSTERD_EVENT_LOOP_THREADS; default 1, like the echo server),
// --hashing (the server without its model: the hashing embedder), --matrix (instead: make load's matrix, 1/16/64/256
// connections × depth 1/16 × GetStatus/TriggerAnalysis, then the check that every triggered message is analysed).
import ClusterdRPC
import ClusterdStore
import ClusterdTestSupport
import Foundation

/// Prints a line at once (unbuffered, also into a file or pipe).
func say(_ line: String = "") {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Exits with a usage message.
func usage(_ problem: String) -> Never {
    FileHandle.standardError.write(
        Data(
            "clusterd-rpc-bench: \(problem)\nusage: clusterd-rpc-bench [--client-threads N] [--server-threads N] [--trigger-rate R] [--server-env KEY=VALUE] [--seconds S] [--rounds R] [--hashing] [--matrix]\n"
                .utf8
        )
    )
    exit(2)
}

if CommandLine.arguments.count == 4, CommandLine.arguments[1] == "--serve-echo" {
    // A ceiling's process: serve until the bench ends, after writing the port to the given file.
    let echo = try await EchoServer.start(replyBodyBytes: Int(CommandLine.arguments[3]) ?? 0)
    try String(echo.port).write(toFile: CommandLine.arguments[2], atomically: true, encoding: .utf8)
    let parent = getppid()
    while getppid() == parent { try await Task.sleep(for: .milliseconds(500)) }  // the bench died: stop too
    exit(0)
}

var clientThreads = 1
var seconds = 3
var rounds = 3
var fixedRate: Double?
var matrix = false
var serverEnvironment = ["CLUSTERD_TICK_SECONDS": "15"]
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    if flag == "--server-env" {
        guard let pair = arguments.popFirst(), let equals = pair.firstIndex(of: "=") else {
            usage("--server-env needs KEY=VALUE")
        }
        serverEnvironment[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        continue
    }
    if flag == "--matrix" {
        matrix = true
        continue
    }
    if flag == "--hashing" {
        serverEnvironment.merge(ServerProcess.hashingEmbedder) { _, new in new }
        continue
    }
    guard let value = arguments.popFirst().flatMap({ Int($0) }), value > 0 else { usage("\(flag) needs a number") }
    switch flag {
    case "--client-threads": clientThreads = value
    case "--seconds": seconds = value
    case "--rounds": rounds = value
    case "--trigger-rate": fixedRate = Double(value)
    case "--server-threads": serverEnvironment["CLUSTERD_EVENT_LOOP_THREADS"] = String(value)
    default: usage("unknown option \(flag)")
    }
}

let configuration = try EmbeddedMongo.configuration("rpc-bench")
let store = try MongoStore(configuration: configuration)
let ids = try LoadReport.insertMessages(2_000, into: store)
let server = try await ServerProcess.start(store: configuration, environment: serverEnvironment)
// Measure a quiet server: the inserted messages are triggered in one batch and analysed, and the clustering run
// that follows has finished, before the first measurement.
let client = try await server.connect()
_ = try await client.triggerAnalysisBatch(ids.map { TriggerItem(messageID: $0) })
let analysing = try await client.status().enabled  // BACKGROUND_CLUSTERING_ENABLED=false: triggers only recorded
try await waitUntil("every inserted message analysed", timeout: .seconds(300), poll: .milliseconds(250)) {
    try !analysing || store.countAnalyses() == ids.count
}
try await waitUntil("the clustering after the catch-up finished", timeout: .seconds(300), poll: .milliseconds(250)) {
    let status = try await client.status()
    return status.queueDepth == 0 && !status.clusteringInProgress && !status.shouldTriggerClustering
}
let statusBytes = try await client.call(.getStatus)
await client.close()

let statusReplyBytes = WireCodec.encode(RPCFrame(callID: 1, reply: statusBytes)).count

/// Starts this binary as an echo server (replies padded to `replyBytes`, 0 for an exact echo); returns it and its
/// port.
func startEcho(replyBytes: Int) async throws -> (ChildProcess, Int) {
    let directory = try TemporaryDirectory(prefix: "clusterd-echo")
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    let process = try ChildProcess(
        executable: executable,
        arguments: ["--serve-echo", directory.path("port"), String(replyBytes)],
        environment: ChildProcess.baseEnvironment
    )
    var port = 0
    try await waitUntil("an echo server wrote its port", timeout: .seconds(10), poll: .milliseconds(20)) {
        port = Int((try? String(contentsOfFile: directory.path("port"), encoding: .utf8)) ?? "") ?? 0
        return port > 0
    }
    return (process, port)
}
var failures: [String] = []

/// Runs `plan` from this process's client event loops and prints its row.
@MainActor func load(
    _ plan: LoadGenerator.Plan,
    _ label: String,
    serverPID: Int32,
    body: @escaping @Sendable (Int, Int) -> RPCRequest
) async throws -> LoadGenerator.Result {
    let usage = ProcessUsage(serverPID: serverPID)
    let result = try await LoadGenerator.run(plan, clientThreads: clientThreads, body: body)
    say(LoadReport.row(label, result, usage: usage.delta()))
    failures += result.problems.map { "\(label): \($0)" }
    return result
}

/// The median of some numbers.
func median(_ values: [Double]) -> Double {
    values.sorted()[values.count / 2]
}

let trigger: @Sendable (Int, Int) -> RPCRequest = { connection, sequence in
    .triggerAnalysis(messageID: ids[(connection * 131 + sequence) % ids.count], conversationID: "")
}
if matrix {
    // make load's numbers: every cell of the load-test matrix from this release client, then the check that every
    // triggered message is analysed.
    say(
        "client: release build, \(clientThreads) event-loop thread(s); clusterd (release) pid \(server.child.pid); "
            + "\(seconds) s per cell"
    )
    say(LoadReport.header)
    let status: @Sendable (Int, Int) -> RPCRequest = { _, _ in .getStatus }
    for (kind, body) in [("status", status), ("trigger", trigger)] {
        for connections in [1, 16, 64, 256] {
            for depth in [1, 16] {
                let plan = LoadGenerator.Plan(
                    port: server.port,
                    connections: connections,
                    depth: depth,
                    duration: .seconds(seconds)
                )
                _ = try await load(plan, "\(kind) c=\(connections) d=\(depth)", serverPID: server.child.pid, body: body)
            }
        }
    }
    let checker = try await server.connect()
    try await waitUntil("every triggered message analysed", timeout: .seconds(300), poll: .milliseconds(250)) {
        let status = try await checker.status()
        return try status.queueDepth == 0 && status.inFlightAnalyses == 0 && store.countAnalyses() == ids.count
    }
    await checker.close()
    say("after the load: all \(ids.count) triggered messages analysed, analysis queue empty")
    await server.terminate()
    store.close()
    if !failures.isEmpty { say("FAILED: " + failures.joined(separator: "\n        ")) }
    exit(failures.isEmpty ? 0 : 1)
}
let (echoProcess, echoPort) = try await startEcho(replyBytes: 0)
let (sizedEchoProcess, sizedEchoPort) = try await startEcho(replyBytes: statusReplyBytes)
say(
    "client: release build, \(clientThreads) event-loop thread(s); clusterd (release) pid \(server.child.pid), "
        + "echo pid \(echoProcess.pid); \(rounds) alternating rounds of \(seconds) s; "
        + "GetStatus request \(WireCodec.encode(RPCFrame(callID: 1, request: .getStatus)).count) B, "
        + "reply \(statusReplyBytes) B"
)
say(LoadReport.header)
var ratios: [String] = []
for (connections, depth) in [(1, 1), (16, 16), (64, 16)] {
    let plan = { (port: Int) in
        LoadGenerator.Plan(port: port, connections: connections, depth: depth, duration: .seconds(seconds))
    }
    let shape = "c=\(connections) d=\(depth)"
    var ceiling: [Double] = []
    var sized: [Double] = []
    var ours: [Double] = []
    for _ in 0..<rounds {
        ceiling.append(
            try await load(plan(echoPort), "echo ceiling \(shape)", serverPID: echoProcess.pid) { _, _ in .getStatus }
                .throughput
        )
        sized.append(
            try await load(
                plan(sizedEchoPort),
                "echo \(statusReplyBytes) B ceiling \(shape)",
                serverPID: sizedEchoProcess.pid
            ) {
                _,
                _ in .getStatus
            }.throughput
        )
        ours.append(
            try await load(plan(server.port), "clusterd status \(shape)", serverPID: server.child.pid) { _, _ in
                .getStatus
            }.throughput
        )
    }
    ratios.append(
        String(
            format: "%@: %.2f× the echo, %.2f× the %d-byte echo (%.0f / %.0f / %.0f req/s)",
            shape as NSString,
            median(ours) / median(ceiling),
            median(ours) / median(sized),
            statusReplyBytes,
            median(ours),
            median(ceiling),
            median(sized)
        )
    )
}
echoProcess.kill(SIGKILL)
sizedEchoProcess.kill(SIGKILL)
// Trigger peaks for both traffic shapes: 16 connections with one call at a time (request/reply, the shape of the
// open-loop runs), and pipelined 16 deep (one write carries many calls, so far more calls/s).
var peaks: [Int: Double] = [:]
for depth in [1, 16] {
    peaks[depth] =
        try await load(
            LoadGenerator.Plan(port: server.port, connections: 16, depth: depth, duration: .seconds(seconds)),
            "trigger peak c=16 d=\(depth)",
            serverPID: server.child.pid,
            body: trigger
        ).throughput
}
/// Open-loop TriggerAnalysis on 16 connections at `rate` calls/s, `runs` times; the runs' p99s in µs.
@MainActor func openLoop(rate: Double, runs: Int, _ label: String) async throws -> [Double] {
    var p99s: [Double] = []
    for _ in 0..<runs {
        let result = try await load(
            LoadGenerator.Plan(port: server.port, connections: 16, depth: 1, duration: .seconds(seconds), rate: rate),
            String(format: "trigger at %.0f/s (%@)", rate, label as NSString),
            serverPID: server.child.pid,
            body: trigger
        )
        p99s.append(result.microseconds(99))
    }
    return p99s
}
if let fixedRate { _ = try await openLoop(rate: fixedRate, runs: rounds, "fixed rate") }
let halfOfRequestReply = try await openLoop(rate: peaks[1]! / 2, runs: rounds, "½ d=1 peak")
let halfOfPipelined = try await openLoop(rate: peaks[16]! / 2, runs: 1, "½ d=16 peak")
say()
say("GetStatus throughput against the ceilings (medians; target ≥ 0.80×):")
for ratio in ratios { say("  " + ratio) }
let p99List = halfOfRequestReply.map { String(format: "%.0f", $0) }.joined(separator: ", ")
say(
    String(
        format: "TriggerAnalysis p99 at half of the request/reply peak (%.0f of %.0f calls/s): median %.0f µs "
            + "over %d runs (%@); target < 1000 µs",
        peaks[1]! / 2,
        peaks[1]!,
        median(halfOfRequestReply),
        rounds,
        p99List as NSString
    )
)
say(
    String(
        format: "TriggerAnalysis p99 at half of the pipelined peak (%.0f of %.0f calls/s, sent one by one): %.0f µs",
        peaks[16]! / 2,
        peaks[16]!,
        halfOfPipelined[0]
    )
)
await server.terminate()
store.close()
if !failures.isEmpty {
    say("FAILED: " + failures.joined(separator: "\n        "))
    exit(1)
}
