import ClusterdCore
import ClusterdTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@testable import ClusterdLogging

/// The JSON log format and secret redaction in both formats.
@Suite struct LogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func append(_ line: String) { lines.withLock { $0.append(line) } }
    }

    @Test(
        "timestamps in UTC, zero-padded, in both formats",
        arguments: [
            (1_736_544_600.123, "2025-01-10 21:30:00", "2025-01-10T21:30:00.123Z"),
            (0.009, "1970-01-01 00:00:00", "1970-01-01T00:00:00.009Z"),
            (951_782_400.5, "2000-02-29 00:00:00", "2000-02-29T00:00:00.500Z"),
            (4_102_444_799.999, "2099-12-31 23:59:59", "2099-12-31T23:59:59.999Z"),
        ]
    )
    func timestamps(seconds: Double, seed: String, iso: String) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(SeedLogHandler.timestamp(date) == seed)
        #expect(JSONLogHandler.timestamp(date) == iso)
    }

    @Test func jsonLinesCarryTheFields() throws {
        let sink = Lines()
        var handler = JSONLogHandler(label: "BackgroundClusteringService") { sink.append($0) }
        handler.metadata["run"] = "abc"
        let logger = Logger(label: "BackgroundClusteringService") { _ in handler }
        logger.info("Starting background clustering operation", metadata: ["count": "3", "ids": ["a", "b"]])
        logger.debug("dropped below the level")
        let lines = sink.all
        #expect(lines.count == 1)
        #expect(!lines[0].contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["timestamp", "level", "label", "message", "metadata"])
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "BackgroundClusteringService")
        #expect(object["message"] as? String == "Starting background clustering operation")
        let metadata = try #require(object["metadata"] as? [String: Any])
        #expect(metadata["run"] as? String == "abc")
        #expect(metadata["count"] as? String == "3")
        #expect(metadata["ids"] as? [String] == ["a", "b"])
        let timestamp = try #require(object["timestamp"] as? String)
        #expect(timestamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(timestamp)")
    }

    @Test func secretsAreMaskedInBothFormats() {
        let redactor = LogRedactor(secrets: ["tok-s3cret-value", "sk-ant-abcdef"])
        let sink = Lines()
        let json = JSONLogHandler(label: "x", redactor: redactor) { sink.append($0) }
        var text = SeedLogHandler(label: "x") { sink.append($0) }
        text.redactor = redactor
        for handler in [json as any LogHandler, text as any LogHandler] {
            let logger = Logger(label: "x") { _ in handler }
            logger.error(
                "auth failed for tok-s3cret-value via mongodb://admin:hunter22@db:27017/x",
                metadata: ["key": "sk-ant-abcdef"]
            )
        }
        let lines = sink.all
        #expect(lines.count == 2)
        for line in lines {
            #expect(!line.contains("tok-s3cret-value"), "\(line)")
            #expect(!line.contains("sk-ant-abcdef"), "\(line)")
            #expect(!line.contains("hunter22"), "\(line)")
            #expect(line.contains(LogRedactor.mask))
            #expect(line.contains("mongodb://admin:"))
        }
    }

    @Test func controlAndBidiCharactersInAnIdNeverReachTheLogRaw() {
        let sink = Lines()
        let json = JSONLogHandler(label: "x", redactor: LogRedactor()) { sink.append($0) }
        let text = SeedLogHandler(label: "x") { sink.append($0) }
        for handler in [json as any LogHandler, text as any LogHandler] {
            let logger = Logger(label: "x") { _ in handler }
            logger.warning("message evil\u{1B}[2J\nFAKE LINE\u{202E}txt.exe not found", metadata: ["id": "a\rb"])
        }
        let lines = sink.all
        #expect(lines.count == 2)
        for line in lines {
            #expect(!line.unicodeScalars.contains { PrintableText.needsEscape($0) }, "\(line)")
            #expect(line.contains("FAKE LINE"), "the text is kept, escaped")
        }
        #expect(lines[1].contains("evil\\x1B[2J\\x0AFAKE LINE\\u{202E}txt.exe"), "\(lines[1])")
    }

    @Test func shortOrEmptySecretsAreIgnored() {
        let redactor = LogRedactor(secrets: ["", "ab"])
        #expect(redactor.scrub("a b ab abc") == "a b ab abc")
    }
}
