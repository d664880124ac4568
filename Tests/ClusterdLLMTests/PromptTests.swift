import ClusterdCore
import ClusterdLLM
import Testing

@Suite("Concept and naming prompts: replies validated strictly")
struct PromptTests {
    @Test("A valid concepts reply, plain or fenced")
    func validConcepts() throws {
        let plain =
            #"{"concepts": ["Sourdough  Baking", "oven temperature", "sourdough baking"], "topic": "Baking bread", "language": "en-GB"}"#
        let extraction = try #require(ConceptPrompt.parse(plain, limit: 8))
        #expect(extraction.concepts == ["sourdough baking", "oven temperature"])
        #expect(extraction.topic == "Baking bread")
        #expect(extraction.language == "en")
        #expect(extraction.source == "claude")
        let fenced = "```json\n" + plain + "\n```"
        #expect(ConceptPrompt.parse(fenced, limit: 1)?.concepts == ["sourdough baking"])
        let empty = #"{"concepts": [], "topic": "greeting", "language": "de"}"#
        #expect(ConceptPrompt.parse(empty, limit: 8)?.concepts == [])
    }

    @Test(
        "Anything else is refused",
        arguments: [
            "Here are the concepts: {\"concepts\": [], \"topic\": \"x\", \"language\": \"en\"}",
            "{\"concepts\": [\"a\"], \"topic\": \"x\"}",
            "{\"concepts\": \"a, b\", \"topic\": \"x\", \"language\": \"en\"}",
            "{\"concepts\": [1, 2], \"topic\": \"x\", \"language\": \"en\"}", "[\"a\", \"b\"]", "", "{not json}",
            "```\n{\"concepts\": []}\n", "{\"concepts\": [], \"topic\": 5, \"language\": \"en\"}",
        ]
    )
    func invalidConcepts(reply: String) {
        #expect(ConceptPrompt.parse(reply, limit: 8) == nil)
    }

    @Test("Concepts that look like personal details are dropped")
    func personalDetails() throws {
        let reply =
            #"{"concepts": ["maria@example.com", "call 0612345678", "https://x.test", "refund request", "www.site.com", "a b c d e f g"], "topic": "refund", "language": "xx-yy-zz"}"#
        let extraction = try #require(ConceptPrompt.parse(reply, limit: 8))
        #expect(extraction.concepts == ["refund request"])
        #expect(extraction.language == "xx")
        #expect(
            ConceptPrompt.parse(#"{"concepts": [], "topic": "", "language": "english!"}"#, limit: 8)?.language == ""
        )
    }

    @Test("The user turn wraps and cuts the message; the retry adds a reminder")
    func userText() {
        let text = ConceptPrompt.userText(for: String(repeating: "a", count: 50), maxCharacters: 10, reminder: false)
        #expect(text == "<message>\naaaaaaaaaa …\n</message>")
        #expect(ConceptPrompt.userText(for: "x", maxCharacters: 10, reminder: true).contains("previous reply"))
        #expect(ConceptPrompt.system.contains("names of people"))
    }

    @Test("A valid naming reply; quotes and a final period are removed from the name")
    func validNaming() throws {
        let naming = try #require(
            NamingPrompt.parse(
                #"{"name": "\"Sourdough bread baking problems.\"", "description": "Bakers  troubleshooting starters."}"#
            )
        )
        #expect(naming.name == "Sourdough bread baking problems")
        #expect(naming.description == "Bakers troubleshooting starters.")
    }

    @Test(
        "Names over ten words, empty fields and prose are refused",
        arguments: [
            #"{"name": "one two three four five six seven eight nine ten eleven", "description": "d."}"#,
            #"{"name": "", "description": "d."}"#, #"{"name": "n", "description": ""}"#,
            #"{"name": "n"}"#, "The name is Baking.", #"{"name": ["n"], "description": "d."}"#,
        ]
    )
    func invalidNaming(reply: String) {
        #expect(NamingPrompt.parse(reply) == nil)
    }

    @Test("The naming user turn shows members and the nearest other groups, no ids")
    func namingUserText() {
        let request = ClusterNamingRequest(
            stableID: "c-123",
            size: 42,
            topConcepts: ["sourdough", "oven"],
            sampledMemberConcepts: [["starter", "flour"], ["oven"]],
            contrastConcepts: [["pasta sauce"]],
            localName: "sourdough · oven"
        )
        let text = NamingPrompt.userText(for: request, reminder: false)
        #expect(text.contains("<group conversations=\"42\">"))
        #expect(text.contains("<top_concepts>sourdough; oven</top_concepts>"))
        #expect(text.contains("1. starter; flour\n2. oven"))
        #expect(text.contains("<nearest_other_groups>\n1. pasta sauce\n</nearest_other_groups>"))
        #expect(!text.contains("c-123"))
    }
}
