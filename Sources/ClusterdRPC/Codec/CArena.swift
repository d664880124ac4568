import Glibc

/// Owns the C memory of one protobuf-c message tree while it is being packed, and frees it all at the end.
///
/// A bump allocator: allocations are carved out of chunks (4 KiB, or larger for a larger request), so encoding a
/// frame costs a handful of `malloc` calls instead of one per string, message and array. Not thread-safe: one
/// arena per encode, used on one thread.
final class CArena {
    private static let chunkBytes = 4096
    private static let alignment = 16
    private var chunks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0

    /// `count` zeroed bytes aligned to 16, valid until the arena is freed.
    private func allocate(_ count: Int) -> UnsafeMutableRawPointer {
        let size = (max(1, count) + Self.alignment - 1) & ~(Self.alignment - 1)
        if size > remaining {
            let chunkSize = max(Self.chunkBytes, size)
            let chunk = calloc(1, chunkSize)!
            chunks.append(chunk)
            cursor = chunk
            remaining = chunkSize
        }
        let pointer = cursor!
        cursor = pointer + size
        remaining -= size
        return pointer
    }

    /// A NUL-terminated copy of `text`, freed with the arena.
    func string(_ text: String) -> UnsafeMutablePointer<CChar> {
        var text = text
        return text.withUTF8 { utf8 in
            let copy = allocate(utf8.count + 1)
            if let base = utf8.baseAddress { copy.copyMemory(from: base, byteCount: utf8.count) }
            // The byte after the text is already 0 (chunks are zeroed and never reused).
            return copy.bindMemory(to: CChar.self, capacity: utf8.count + 1)
        }
    }

    /// A zeroed `T`, initialised by `initializer` (a protobuf-c `__init` function), freed with the arena.
    func message<T>(_ initializer: (UnsafeMutablePointer<T>) -> Void) -> UnsafeMutablePointer<T> {
        precondition(MemoryLayout<T>.alignment <= Self.alignment)
        let pointer = allocate(MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: 1)
        initializer(pointer)
        return pointer
    }

    /// A C array of `transform` applied to each element of `source`, written in place (no intermediate Swift
    /// array), freed with the arena (nil when empty).
    func array<Source: Collection, T>(_ source: Source, _ transform: (Source.Element) -> T) -> UnsafeMutablePointer<T>?
    {
        guard !source.isEmpty else { return nil }
        precondition(MemoryLayout<T>.alignment <= Self.alignment)
        let count = source.count
        let pointer = allocate(MemoryLayout<T>.stride * count).bindMemory(to: T.self, capacity: count)
        for (index, element) in source.enumerated() { (pointer + index).initialize(to: transform(element)) }
        return pointer
    }

    /// A C array of NUL-terminated copies of `texts`, freed with the arena (nil when empty).
    func strings(_ texts: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        array(texts) { Optional(string($0)) }
    }

    deinit {
        for chunk in chunks { free(chunk) }
    }
}
