import Testing

@testable import ClusterdCore

@Suite struct SeededGeneratorTests {
    @Test func sameSeedSameSequence() {
        var first = SeededGenerator(seed: 42)
        var second = SeededGenerator(seed: 42)
        var other = SeededGenerator(seed: 43)
        let a = (0..<16).map { _ in first.next() }
        #expect(a == (0..<16).map { _ in second.next() })
        #expect(a != (0..<16).map { _ in other.next() })
    }

    @Test func matchesTheSplitMix64ReferenceOutput() {
        var generator = SeededGenerator(seed: 0)
        #expect(generator.next() == 0xe220_a839_7b1d_cdaf)
        #expect(generator.next() == 0x6e78_9e6a_a1b9_65f4)
    }

    @Test func boundedDrawsStayInRange() {
        var generator = SeededGenerator(seed: 1)
        for _ in 0..<1000 {
            #expect((0..<7).contains(generator.nextIndex(below: 7)))
            let unit = generator.nextUnitDouble()
            #expect(unit >= 0 && unit < 1)
        }
    }
}
