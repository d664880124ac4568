import Foundation

/// The baseline (scripts/bench-onnxruntime.py) as a child process that times slices of the texts on request, so
/// clusterd and the baseline can alternate slice by slice and share whatever load the machine has.
final class BaselineProcess {
    /// E.g. "onnxruntime 1.20.1 (CPU, intra_op 2 threads)".
    let name: String
    /// The model file it runs.
    let model: String
    /// Its lowest cosine to the golden embeddings.
    let lowestCosine: Double
    /// Configurations it can time (e.g. "spinning", "no spinning").
    let variants: [String]
    private let process = Process()
    private let input: FileHandle
    private let output: FileHandle
    private var buffer = Data()

    /// Starts `command` with /bin/sh and reads its first line: {"name", "model", "lowest_cosine"}.
    init(command: String) throws {
        let stdin = Pipe()
        let stdout = Pipe()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading
        let first = try Self.readLine(from: output, buffer: &buffer)
        guard let object = try? JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any],
            let name = object["name"] as? String, let model = object["model"] as? String
        else { throw BenchError("baseline did not introduce itself: \(first)") }
        self.name = name
        self.model = model
        lowestCosine = (object["lowest_cosine"] as? NSNumber)?.doubleValue ?? .nan
        variants = (object["variants"] as? [String]) ?? ["default"]
    }

    /// Seconds the baseline takes, in configuration `variant`, to embed `texts[range]` in batches of `batch`
    /// (sorted by length first when `sortedByLength`).
    func seconds(batch: Int, range: Range<Int>, sortedByLength: Bool, variant: Int) throws -> Double {
        let request =
            "time \(batch) \(range.lowerBound) \(range.upperBound) \(sortedByLength ? 1 : 0) \(variant)\n"
        try input.write(contentsOf: Data(request.utf8))
        let reply = try Self.readLine(from: output, buffer: &buffer)
        guard let seconds = Double(reply.trimmingCharacters(in: .whitespaces)) else {
            throw BenchError("baseline replied \(reply)")
        }
        return seconds
    }

    /// Asks the baseline to quit and waits for it.
    func close() {
        try? input.write(contentsOf: Data("quit\n".utf8))
        try? input.close()
        process.waitUntilExit()
    }

    private static func readLine(from handle: FileHandle, buffer: inout Data) throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            // availableData returns what the pipe holds (read(upToCount:) would wait for the full count).
            let chunk = handle.availableData
            guard !chunk.isEmpty else {
                throw BenchError("baseline ended without replying")
            }
            buffer.append(chunk)
        }
    }
}
