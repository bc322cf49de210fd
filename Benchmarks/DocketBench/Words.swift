import Workflow

/// Council-letter-like text: a Zipf-distributed vocabulary where function words come first,
/// then the words council correspondence is full of ("council", "mayor", "grants"), then a long
/// tail of rarer words — so a benchmark meets common, middling and rare terms as real searches do.
enum Words {
    static let functionWords = """
        the of and to a in that is for on with as by be this are from at it has have will an not \
        which or their its been was were we our these would should all also such may any more
        """.split(separator: " ").map(String.init)

    static let councilWords = """
        council mayor commissioners secretary state best value direction plan progress update grants \
        governance officers board programme report annex response letter authority borough tower hamlets \
        improvement recommendations assurance finance legal statutory decision cabinet scrutiny members \
        elections registration property disposals communications protocol publicity staffing restructure \
        audit findings housing allocations delivery milestones action evidence risk compliance chief \
        executive monitoring officer consultation procurement contracts budget savings performance review \
        intervention powers inspection appointment directions interim arrangements assessment capacity \
        leadership culture transparency accountability engagement partnership voluntary sector community \
        equalities policy framework timetable deadline meeting agenda minutes item noted agreed approved \
        submitted dispatched received considered resolved outstanding completed ongoing quarterly \
        six monthly annual strategic operational corporate services resources place children adults health \
        public realm regeneration planning licensing enforcement waste highways parking libraries leisure \
        schools safeguarding tenancy rents repairs estates capital revenue reserves treasury pension \
        investment internal external auditor opinion qualified unqualified section local government act
        """.split(separator: " ").map(String.init)

    /// The long tail: pronounceable made-up words, the same every run.
    static let tail: [String] = {
        let onsets = [
            "b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br", "st", "tr", "pl", "gr",
        ]
        let vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou"]
        let codas = ["", "n", "r", "s", "t", "l", "m", "nd", "st", "rk"]
        var words: [String] = []
        var random = SplitMix64(seed: 0x5EED_0F_70C0)
        var seen = Set<String>()
        while words.count < 20_000 {
            var word = ""
            for _ in 0..<(2 + Int(random.next() % 2)) {
                word += onsets[Int(random.next() % UInt64(onsets.count))]
                word += vowels[Int(random.next() % UInt64(vowels.count))]
            }
            word += codas[Int(random.next() % UInt64(codas.count))]
            if seen.insert(word).inserted { words.append(word) }
        }
        return words
    }()

    static let vocabulary = functionWords + councilWords + tail

    /// Cumulative Zipf weights (s = 1) over `vocabulary`, for sampling by binary search.
    static let cumulative: [Double] = {
        var total = 0.0
        return vocabulary.indices.map { rank in
            total += 1.0 / Double(rank + 1)
            return total
        }
    }()

    static func word(_ random: inout SplitMix64) -> String {
        let target = random.unit() * cumulative[cumulative.count - 1]
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] < target { low = middle + 1 } else { high = middle }
        }
        return vocabulary[low]
    }

    static let phrases = [
        "the Best Value Plan", "the Mayor's office", "the Secretary of State", "the Commissioners",
        "the Best Value Programme Board", "section 15 of the Local Government Act 1999", "the grants programme",
    ]

    /// A letter of about `words` words: salutation, paragraphs of sentences, sign-off.
    static func letter(kind: DocumentKind, words: Int, random: inout SplitMix64) -> String {
        var text = kind == .submission || kind == .annex ? "" : "Dear Sir or Madam,\n\n"
        var count = 0
        while count < words {
            var paragraph: [String] = []
            for _ in 0..<(2 + Int(random.next() % 4)) {
                var sentence: [String] = []
                for _ in 0..<(8 + Int(random.next() % 14)) { sentence.append(word(&random)) }
                if random.next() % 4 == 0 {
                    sentence.insert(phrases[Int(random.next() % UInt64(phrases.count))], at: sentence.count / 2)
                }
                count += sentence.count
                paragraph.append(sentence.joined(separator: " ").capitalizedFirst + ".")
            }
            text += paragraph.joined(separator: " ") + "\n\n"
        }
        if kind != .submission && kind != .annex { text += "Yours faithfully,\n" }
        return text
    }

    static func title(kind: DocumentKind, random: inout SplitMix64) -> String {
        let subject = (0..<3).map { _ in word(&random) }.filter { !functionWords.contains($0) }.joined(separator: " ")
        switch kind {
        case .submission: return "Progress update to the Secretary of State"
        case .coverLetter: return "Cover letter to the Secretary of State"
        case .annex: return "Annex: \(subject)".trimmingCharacters(in: .whitespaces)
        case .response: return "Commissioners' response"
        default: return "Letter about \(subject)".trimmingCharacters(in: .whitespaces)
        }
    }

    static func html(_ text: String) -> String {
        let body = text.split(separator: "\n\n").map { "<p>\($0)</p>" }.joined(separator: "\n")
        return
            "<!DOCTYPE html><html><head><title>Letter</title><style>p{margin:0}</style></head><body>\n\(body)\n</body></html>"
    }

    static func ordinal(_ number: Int) -> String {
        [
            "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
            "twelfth",
        ][
            (number - 1) % 12]
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
