// clusterd-fuzz: the frame decoder and message decoding path under libFuzzer.
//
// Built with `-sanitize=fuzzer -DFUZZING` (make fuzz) it is a libFuzzer driver: all libFuzzer flags apply
// (`-max_total_time=60 fuzz/corpus`). Built normally it replays files and folders through the same target, and
// `--write-seeds DIR` writes the seed corpus.
import Foundation

#if FUZZING
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    /// libFuzzer's entry point (its driver references it by name).
    @_cdecl("LLVMFuzzerTestOneInput")
    func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        FuzzTarget.run(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }

    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    let status = withUnsafeMutablePointer(to: &argv) { argvPointer in
        argvPointer.withMemoryRebound(to: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?.self, capacity: 1) {
            LLVMFuzzerRunDriver(&argc, $0, fuzzOne)
        }
    }
    exit(status)
#else
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "--write-seeds", arguments.count == 2 {
        let directory = URL(fileURLWithPath: arguments[1])
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, bytes) in SeedCorpus.seeds() {
            try Data(bytes).write(to: directory.appendingPathComponent(name))
        }
        print("wrote \(SeedCorpus.seeds().count) seeds to \(directory.path)")
        exit(0)
    }
    var files: [URL] = []
    for path in arguments {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            FileHandle.standardError.write(Data("clusterd-fuzz: no such file \(path)\n".utf8))
            exit(2)
        }
        if isDirectory.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
            files += names.map { url.appendingPathComponent($0) }
        } else {
            files.append(url)
        }
    }
    for file in files {
        let data = try Data(contentsOf: file)
        data.withUnsafeBytes { FuzzTarget.run($0) }
    }
    print("replayed \(files.count) inputs: no crash")
#endif
