import Testing

@testable import ClusterdCore
@testable import ClusterdEmbedding

/// The BERT tokenizer on a small vocabulary: normalisation, splitting, WordPiece, specials, truncation.
@Suite struct WordPieceTokenizerTests {
    static let vocabulary = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "world", "!", ",", "play", "##ing", "##s", "cafe", "中", "文",
        "e", "##e", "$", "un", "##believ", "##able", "i", "\u{307}",
    ]
    let tokenizer = try! WordPieceTokenizer(vocabulary: vocabulary.joined(separator: "\n") + "\n", maxLength: 8)

    private func ids(_ words: String...) -> [Int32] {
        words.map { Int32(Self.vocabulary.firstIndex(of: $0)!) }
    }

    @Test func specialsAndLowerCase() {
        #expect(tokenizer.tokenIDs("") == ids("[CLS]", "[SEP]"))
        #expect(tokenizer.tokenIDs("Hello WORLD") == ids("[CLS]", "hello", "world", "[SEP]"))
        #expect(tokenizer.vocabularySize == Self.vocabulary.count)
    }

    @Test func punctuationIsSplitAndWhitespaceOrControlCharactersSeparate() {
        #expect(tokenizer.tokenIDs("hello,world!") == ids("[CLS]", "hello", ",", "world", "!", "[SEP]"))
        #expect(tokenizer.tokenIDs("hello\tworld\u{0}") == ids("[CLS]", "hello", "world", "[SEP]"))
        #expect(tokenizer.tokenIDs("hel\u{200B}lo") == ids("[CLS]", "hello", "[SEP]"), "format characters dropped")
        #expect(tokenizer.tokenIDs("$") == ids("[CLS]", "$", "[SEP]"), "ASCII $ counts as punctuation")
    }

    @Test func wordPiecesContinueWithDoubleHashAndUnknownWordsAreOneUnk() {
        #expect(tokenizer.tokenIDs("playing plays") == ids("[CLS]", "play", "##ing", "play", "##s", "[SEP]"))
        #expect(tokenizer.tokenIDs("unbelievable") == ids("[CLS]", "un", "##believ", "##able", "[SEP]"))
        #expect(tokenizer.tokenIDs("playx hello") == ids("[CLS]", "[UNK]", "hello", "[SEP]"))
        #expect(tokenizer.tokenIDs("eeee") == ids("[CLS]", "e", "##e", "##e", "##e", "[SEP]"))
        let long = String(repeating: "e", count: 101)
        #expect(tokenizer.tokenIDs(long) == ids("[CLS]", "[UNK]", "[SEP]"), "over 100 characters")
    }

    @Test func accentsAreStrippedAndCJKCharactersSplit() {
        #expect(tokenizer.tokenIDs("Café") == ids("[CLS]", "cafe", "[SEP]"))
        #expect(tokenizer.tokenIDs("CAFÉ") == ids("[CLS]", "cafe", "[SEP]"))
        #expect(tokenizer.tokenIDs("中文") == ids("[CLS]", "中", "文", "[SEP]"))
        // İ (U+0130) decomposes to I + U+0307 (a nonspacing mark, stripped) before lower-casing.
        #expect(tokenizer.tokenIDs("İ") == ids("[CLS]", "i", "[SEP]"))
    }

    @Test func longTextsAreTruncatedToMaxLengthWithTheSeparatorKept() {
        let tokens = tokenizer.tokenIDs("hello world hello world hello world hello world")
        #expect(tokens.count == 8)
        #expect(tokens.first == 2)
        #expect(tokens.last == 3)
        #expect(tokens == ids("[CLS]", "hello", "world", "hello", "world", "hello", "world", "[SEP]"))
    }

    @Test func aVocabularyWithoutSpecialsIsRefused() {
        #expect(throws: EmbedderError.self) { try WordPieceTokenizer(vocabulary: "hello\nworld\n") }
        #expect(throws: EmbedderError.self) { try WordPieceTokenizer(vocabulary: "") }
    }
}
