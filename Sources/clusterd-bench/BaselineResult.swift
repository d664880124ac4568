import Foundation

/// What the baseline command reported.
struct BaselineResult {
    /// E.g. "onnxruntime 1.20.1 (2 threads)".
    var name: String
    /// The model file it ran.
    var model: String
    /// Sentences per second by batch size.
    var rates: [Int: Double]

    /// Runs `command` with /bin/sh and parses the JSON list of result objects it prints last on stdout.
    static func run(command: String) throws -> [BaselineResult] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("baseline command exited with status \(process.terminationStatus)")
        }
        let lastLine = String(decoding: output, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        guard let list = try? JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [[String: Any]] else {
            throw BenchError("baseline printed no result list: \(lastLine)")
        }
        return try list.map { object in
            guard let name = object["name"] as? String, let model = object["model"] as? String,
                let rates = object["rates"] as? [String: Any]
            else { throw BenchError("baseline result without name, model or rates: \(object)") }
            var parsed: [Int: Double] = [:]
            for (key, value) in rates {
                if let batch = Int(key), let rate = (value as? NSNumber)?.doubleValue { parsed[batch] = rate }
            }
            return BaselineResult(name: name, model: model, rates: parsed)
        }
    }
}
