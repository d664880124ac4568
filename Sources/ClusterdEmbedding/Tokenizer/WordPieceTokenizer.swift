import ClusterdCore
import Foundation

/// The BERT uncased tokenizer of all-MiniLM-L6-v2, matching Hugging Face `tokenizers`' BertNormalizer,
/// BertPreTokenizer and WordPiece:
///
/// 1. Clean: drop NUL, U+FFFD and control/format/unassigned characters (categories Cc, Cf, Cn, Co, Cs) except tab,
///    newline and carriage return; every White_Space character becomes a space.
/// 2. Put spaces around CJK ideographs, so each is its own word.
/// 3. Strip accents (NFD, then drop nonspacing marks, category Mn), then lower-case.
/// 4. Split on whitespace; every punctuation character (ASCII punctuation or Unicode P*) is a word of its own.
/// 5. WordPiece each word: greedy longest match from the vocabulary, continuation pieces prefixed `##`; a word
///    with no complete match, or longer than 100 characters, becomes a single `[UNK]`.
/// 6. `[CLS]` … `[SEP]`, truncated to `maxLength` ids in all.
///
/// Pure ASCII text (most chat) takes a fast path that needs no Unicode normalisation.
public struct WordPieceTokenizer: Sendable {
    /// Id of `[CLS]`.
    public let classifierID: Int32
    /// Id of `[SEP]`.
    public let separatorID: Int32
    /// Id of `[UNK]`.
    public let unknownID: Int32
    /// Number of entries in the vocabulary.
    public let vocabularySize: Int
    /// Most ids returned, `[CLS]` and `[SEP]` included.
    public let maxLength: Int
    /// Words longer than this many characters become `[UNK]`.
    public let maxCharactersPerWord = 100

    /// Trie over the UTF-8 bytes of every vocabulary entry: child of (node << 8 | byte).
    private let children: [UInt32: Int32]
    /// Token id ending at each node, -1 when none.
    private let tokenAtNode: [Int32]
    /// The node reached by "##" (continuation pieces start there), -1 when the vocabulary has none.
    private let continuationNode: Int32

    /// Builds the tokenizer from `vocab.txt` text: one token per line, the id is the line number from 0.
    /// Throws `EmbedderError.malformedVocabulary` when it is empty or lacks `[CLS]`, `[SEP]` or `[UNK]`.
    public init(vocabulary: String, maxLength: Int = 256) throws {
        var children: [UInt32: Int32] = [:]
        var tokenAtNode: [Int32] = [-1]
        var ids: [String: Int32] = [:]
        var lines = vocabulary.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard !lines.isEmpty else { throw EmbedderError(.malformedVocabulary, "vocabulary is empty") }
        children.reserveCapacity(lines.count * 4)
        for (index, line) in lines.enumerated() {
            let token = line.hasSuffix("\r") ? line.dropLast() : line
            ids[String(token)] = Int32(index)
            var node: Int32 = 0
            for byte in token.utf8 {
                let key = UInt32(node) << 8 | UInt32(byte)
                if let next = children[key] {
                    node = next
                } else {
                    let next = Int32(tokenAtNode.count)
                    tokenAtNode.append(-1)
                    children[key] = next
                    node = next
                }
            }
            if node != 0 { tokenAtNode[Int(node)] = Int32(index) }
        }
        func special(_ name: String) throws -> Int32 {
            guard let id = ids[name] else {
                throw EmbedderError(.malformedVocabulary, "vocabulary has no \(name) token")
            }
            return id
        }
        classifierID = try special("[CLS]")
        separatorID = try special("[SEP]")
        unknownID = try special("[UNK]")
        vocabularySize = lines.count
        self.maxLength = max(2, maxLength)
        let hash = UInt32(UInt8(ascii: "#"))
        if let first = children[hash], let second = children[UInt32(first) << 8 | hash] {
            continuationNode = second
        } else {
            continuationNode = -1
        }
        self.children = children
        self.tokenAtNode = tokenAtNode
    }

    /// The ids of `text`: `[CLS]`, word pieces (truncated), `[SEP]`.
    public func tokenIDs(_ text: String) -> [Int32] {
        var ids: [Int32] = [classifierID]
        ids.reserveCapacity(min(maxLength, text.utf8.count + 2))
        let pieceLimit = maxLength - 1
        var word: [UInt8] = []
        word.reserveCapacity(64)
        var wordCharacters = 0
        for scalar in Self.normalize(text) {
            if ids.count >= pieceLimit { break }
            if scalar == " " || scalar.properties.isWhitespace {
                appendPieces(of: word, characters: wordCharacters, to: &ids)
                word.removeAll(keepingCapacity: true)
                wordCharacters = 0
            } else if Self.isPunctuation(scalar) {
                appendPieces(of: word, characters: wordCharacters, to: &ids)
                word.removeAll(keepingCapacity: true)
                word.append(contentsOf: String(scalar).utf8)
                appendPieces(of: word, characters: 1, to: &ids)
                word.removeAll(keepingCapacity: true)
                wordCharacters = 0
            } else {
                word.append(contentsOf: UTF8.encode(scalar)!)
                wordCharacters += 1
            }
        }
        if ids.count < pieceLimit { appendPieces(of: word, characters: wordCharacters, to: &ids) }
        if ids.count > pieceLimit { ids.removeLast(ids.count - pieceLimit) }
        ids.append(separatorID)
        return ids
    }

    /// Greedy longest-match WordPiece of one word's UTF-8 bytes; `[UNK]` when any part has no match.
    private func appendPieces(of word: [UInt8], characters: Int, to ids: inout [Int32]) {
        guard !word.isEmpty else { return }
        guard characters <= maxCharactersPerWord else {
            ids.append(unknownID)
            return
        }
        let mark = ids.count
        var start = 0
        while start < word.count {
            var node: Int32 = start == 0 ? 0 : continuationNode
            var best: Int32 = -1
            var bestEnd = start
            var index = start
            while node >= 0, index < word.count, let next = children[UInt32(node) << 8 | UInt32(word[index])] {
                node = next
                index += 1
                let token = tokenAtNode[Int(node)]
                if token >= 0 {
                    best = token
                    bestEnd = index
                }
            }
            guard best >= 0 else {
                ids.removeSubrange(mark...)
                ids.append(unknownID)
                return
            }
            ids.append(best)
            start = bestEnd
        }
    }

    /// Steps 1–3: cleaned, CJK-spaced, accent-stripped, lower-cased scalars.
    static func normalize(_ text: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.utf8.count)
        var needsDecomposition = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                if value == 9 || value == 10 || value == 13 || value == 32 {
                    out.append(" ")
                } else if value < 32 || value == 127 {
                    continue
                } else if value >= 65 && value <= 90 {
                    out.append(Unicode.Scalar(UInt8(value + 32)))
                } else {
                    out.append(scalar)
                }
                continue
            }
            let properties = scalar.properties
            if value == 0xFFFD || isControl(properties.generalCategory) { continue }
            if properties.isWhitespace {
                out.append(" ")
            } else if isCJK(value) {
                out.append(" ")
                out.append(scalar)
                out.append(" ")
            } else {
                needsDecomposition = true
                out.append(scalar)
            }
        }
        guard needsDecomposition else { return out }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: out)
        let decomposed = String(view).decomposedStringWithCanonicalMapping
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(out.count + 8)
        for scalar in decomposed.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                result.append(value >= 65 && value <= 90 ? Unicode.Scalar(UInt8(value + 32)) : scalar)
                continue
            }
            let properties = scalar.properties
            if properties.generalCategory == .nonspacingMark { continue }
            let lower = properties.lowercaseMapping
            if lower.unicodeScalars.count == 1, lower.unicodeScalars.first == scalar {
                result.append(scalar)
            } else {
                result.append(contentsOf: lower.unicodeScalars)
            }
        }
        return result
    }

    /// Cc, Cf, Cn, Co, Cs (tab, newline and carriage return are handled before this is asked).
    static func isControl(_ category: Unicode.GeneralCategory) -> Bool {
        switch category {
        case .control, .format, .unassigned, .privateUse, .surrogate: true
        default: false
        }
    }

    /// ASCII punctuation (which includes `$+<=>^`|~`) or a Unicode punctuation category.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (value >= 33 && value <= 47) || (value >= 58 && value <= 64) || (value >= 91 && value <= 96)
                || (value >= 123 && value <= 126)
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK Unified Ideograph blocks BERT splits character by character.
    static func isCJK(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0x20000...0x2A6DF).contains(value) || (0x2A700...0x2B73F).contains(value)
            || (0x2B740...0x2B81F).contains(value) || (0x2B820...0x2CEAF).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0x2F800...0x2FA1F).contains(value)
    }
}
