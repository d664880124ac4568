import ClusterdClustering
import ClusterdCore
import ClusterdEmbedding
import Foundation

/// One run of clusterd's k-means in this (child) process on the data file, the way a service run does it: when the
/// rows do not fit the memory budget, k-means is fitted on a seeded uniform sample that does and every row is then
/// assigned in a streaming pass (blocks read from the file); labels go to `path.clusterd.labels`, one JSON line out.
enum EngineChild {
    /// Bytes per held row while fitting: the rows and k-means' normalised copy, plus bookkeeping.
    static func capacity(memoryMB: Int, dimension: Int) -> Int {
        max(2, ((memoryMB << 20) - (32 << 20)) / (2 * dimension * 4 + 64))
    }

    /// The suffix of the labels file a child run writes beside the data.
    static func labelsSuffix(_ options: ClusterBenchOptions) -> String {
        options.trainingPerCentroid > 0 ? ".clusterd-t\(options.trainingPerCentroid).labels" : ".clusterd.labels"
    }

    /// Runs and prints {"engine", "seconds", "rss_kb", "iterations", "fitted"}.
    static func run(path: String, count: Int, options: ClusterBenchOptions) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ClusterBenchError("cannot read \(path)") }
        defer { try? handle.close() }
        let dimension = options.dimension
        let fitted = min(count, capacity(memoryMB: options.memoryMB, dimension: dimension))
        var rows: [Float]
        let loadStarted = Date()
        if fitted == count {
            rows = try SyntheticCentres.read(handle, rows: 0..<count, dimension: dimension)
        } else {
            rows = []
            rows.reserveCapacity(fitted * dimension)
            for index in Silhouette.sampleIndices(count: count, sampleSize: fitted, seed: 1) {
                rows += try SyntheticCentres.read(handle, rows: index..<(index + 1), dimension: dimension)
            }
        }
        let loadSeconds = Date().timeIntervalSince(loadStarted)
        let started = Date()
        let kmeans = KMeans(
            k: options.k,
            maxIterations: options.maxIterations,
            seed: options.seed,
            initializations: options.initializations,
            trainingPointsPerCentroid: options.trainingPerCentroid > 0 ? options.trainingPerCentroid : nil
        )
        let fit = kmeans.fit(rows: consume rows, dimension: dimension)
        rows = []
        var labels: [Int32]
        if fitted == count {
            labels = fit.assignments.map { Int32($0) }
        } else {
            labels = []
            labels.reserveCapacity(count)
            let assigner = CentroidAssigner(centroids: fit.centroids)
            let block = 65_536
            for start in stride(from: 0, to: count, by: block) {
                let chunk = try SyntheticCentres.read(
                    handle,
                    rows: start..<min(count, start + block),
                    dimension: dimension
                )
                labels += assigner.nearest(rows: chunk).clusters.map { Int32($0) }
            }
        }
        let seconds = Date().timeIntervalSince(started)
        try labels.withUnsafeBufferPointer {
            try Data(buffer: $0).write(to: URL(fileURLWithPath: path + labelsSuffix(options)))
        }
        let line =
            "{\"engine\": \"clusterd\", \"seconds\": \(seconds), \"load_seconds\": \(loadSeconds), "
            + "\"rss_kb\": \(PeakMemory.kilobytes()), \"iterations\": \(fit.iterations), \"fitted\": \(fitted), "
            + "\"threads\": \(MatrixProduct.threadCount)}"
        print(line)
    }
}
