import ArgumentParser
import ClusterdCore
import ClusterdRPC
import Foundation

extension Clusterctl {
    /// `clusterctl watch`.
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refresh the status table until interrupted (Ctrl-C), reconnecting when the server comes back.",
            discussion: ExitCodes.help
        )

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var display: DisplayOptions

        @Option(help: "Seconds between refreshes.")
        var interval: Double = 2

        @Option(help: "Stop after this many refreshes (default: never); the exit code is the last refresh's.")
        var count: Int?

        func validate() throws {
            guard interval > 0 else { throw ValidationError("--interval must be positive") }
            if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        }

        func run() async throws {
            let terminal = display.terminal
            let redraw = terminal.liveStderr && isatty(STDOUT_FILENO) != 0
            var client: ClusterdClient?
            var refreshes = 0
            var lastFailure: Error?
            while count.map({ refreshes < $0 }) ?? true {
                if refreshes > 0 { try await Task.sleep(for: .milliseconds(Int(interval * 1000))) }
                refreshes += 1
                let stamp = Date().formatted(.iso8601)
                let header = terminal.paint(
                    "every \(interval.formatted())s: clusterd at \(connection.addressText)  \(stamp)",
                    .dim
                )
                var body: String
                do {
                    if client == nil { client = try await connection.connect() }
                    body = StatusTable.render(try await client!.status(), terminal: terminal)
                    lastFailure = nil
                } catch let error as ValidationError {
                    throw error
                } catch {
                    await client?.close()
                    client = nil
                    lastFailure = error
                    let message = (error as? RPCError).map { "\($0.message) (\($0.code))" } ?? "\(error)"
                    body = terminal.paint("unreachable: \(message)", .red, .bold)
                }
                // On a terminal the screen is cleared and redrawn; otherwise each refresh is appended.
                let screen = redraw ? "\u{1B}[H\u{1B}[2J" + header + "\n\n" + body : header + "\n" + body + "\n"
                FileHandle.standardOutput.write(Data((screen + "\n").utf8))
            }
            await client?.close()
            if let lastFailure { throw ExitCodes.fail(lastFailure) }
        }
    }
}
