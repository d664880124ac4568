import Foundation

/// Shows a clustering's progress on stderr: on a terminal one line redrawn in place
/// (`[#########...........]  45%  clustering`), otherwise one line per stage.
struct ProgressBar {
    /// The order the service goes through; shown as "stage n/N".
    static let stages = ["queued", "starting", "catching_up", "loading", "clustering", "writing"]
    static let width = 30

    let terminal: Terminal
    private var lastStage = ""
    private var lastProgress = 0.0
    private var drawn = false

    init(terminal: Terminal) {
        self.terminal = terminal
    }

    /// The bar's text for a stage and a progress in 0...1.
    static func line(stage: String, progress: Double) -> String {
        let fraction = min(1, max(0, progress))
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let percent = String(Int((fraction * 100).rounded(.down)))
        let padded = String(repeating: " ", count: max(0, 3 - percent.count)) + percent
        let index = stages.firstIndex(of: stage).map { " (\($0 + 1)/\(stages.count))" } ?? ""
        return "[\(bar)] \(padded)%  \(stage.isEmpty ? "starting" : stage)\(index)"
    }

    mutating func update(stage: String, progress: Double) {
        if terminal.liveStderr {
            if !drawn || stage != lastStage || progress != lastProgress {
                Terminal.writeError("\r\u{1B}[2K" + terminal.paint(Self.line(stage: stage, progress: progress), .cyan))
            }
            drawn = true
        } else if stage != lastStage {
            Terminal.writeError("  \(stage) \(Int(min(1, max(0, progress)) * 100))%\n")
        }
        lastStage = stage
        lastProgress = progress
    }

    /// Completes the bar (full when the run succeeded) and ends its line; a run that ended before the first poll
    /// still gets its completed bar on a terminal.
    mutating func finish(succeeded: Bool) {
        guard drawn || (terminal.liveStderr && succeeded) else { return }
        let line = Self.line(stage: succeeded ? "done" : lastStage, progress: succeeded ? 1 : lastProgress)
        Terminal.writeError("\r\u{1B}[2K" + terminal.paint(line, succeeded ? .green : .red) + "\n")
        drawn = false
    }
}
