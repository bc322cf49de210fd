/// Deterministic, realistic document-metadata records for a council correspondence archive,
/// and the XSD they follow. The same seed always gives byte-identical files, so runs on
/// different days (or machines) measure the same work.
enum MetadataCorpus {
    static let namespace = "urn:docket:council-archive:metadata:1"
    static let schemaFileName = "docket-metadata.xsd"

    /// The schema every generated record is valid against: one namespace, qualified elements,
    /// enumerations, patterns and lengths of the kind a real archive schema has.
    static let schema = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- Metadata of one archived document in a council's correspondence archive. -->
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
                   xmlns:md="\(namespace)"
                   targetNamespace="\(namespace)"
                   elementFormDefault="qualified" attributeFormDefault="unqualified"
                   version="1.0">

          <xs:element name="record" type="md:Record"/>

          <xs:complexType name="Record">
            <xs:sequence>
              <xs:element name="identifier" type="md:Identifier"/>
              <xs:element name="title" type="md:ShortText"/>
              <xs:element name="kind" type="md:Kind"/>
              <xs:element name="date" type="xs:date"/>
              <xs:element name="creator" type="md:Party"/>
              <xs:element name="addressees">
                <xs:complexType>
                  <xs:sequence>
                    <xs:element name="addressee" type="md:Party" maxOccurs="20"/>
                  </xs:sequence>
                </xs:complexType>
              </xs:element>
              <xs:element name="direction" type="md:Direction"/>
              <xs:element name="annexLabel" type="md:AnnexLabel" minOccurs="0"/>
              <xs:element name="format" type="md:MediaType"/>
              <xs:element name="size" type="xs:unsignedLong"/>
              <xs:element name="originalFileName" type="md:FileName"/>
              <xs:element name="sha256" type="md:SHA256"/>
              <xs:element name="description" type="md:LongText" minOccurs="0"/>
              <xs:element name="protectiveMarking" type="md:ProtectiveMarking"/>
              <xs:element name="relations" minOccurs="0">
                <xs:complexType>
                  <xs:sequence>
                    <xs:element name="relation" type="md:Relation" maxOccurs="unbounded"/>
                  </xs:sequence>
                </xs:complexType>
              </xs:element>
            </xs:sequence>
            <xs:attribute name="schemaVersion" type="xs:token" use="required" fixed="1.0"/>
            <xs:attribute name="recorded" type="xs:dateTime" use="required"/>
          </xs:complexType>

          <!-- A creator or addressee: a person (with their organisation) or an organisation. -->
          <xs:complexType name="Party">
            <xs:choice>
              <xs:element name="person" type="md:Person"/>
              <xs:element name="organisation" type="md:ShortText"/>
            </xs:choice>
          </xs:complexType>

          <xs:complexType name="Person">
            <xs:sequence>
              <xs:element name="name" type="md:ShortText"/>
              <xs:element name="position" type="md:ShortText" minOccurs="0"/>
              <xs:element name="organisation" type="md:ShortText"/>
            </xs:sequence>
          </xs:complexType>

          <xs:complexType name="Relation">
            <xs:attribute name="type" type="md:RelationType" use="required"/>
            <xs:attribute name="target" type="md:Identifier" use="required"/>
          </xs:complexType>

          <xs:simpleType name="Identifier">
            <xs:restriction base="xs:token">
              <xs:pattern value="[A-Z]{2,5}-[0-9]{4}-[0-9]{6}(-[A-Z])?"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="ShortText">
            <xs:restriction base="xs:string">
              <xs:minLength value="1"/>
              <xs:maxLength value="200"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="LongText">
            <xs:restriction base="xs:string">
              <xs:maxLength value="4000"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="Kind">
            <xs:restriction base="xs:token">
              <xs:enumeration value="letter"/>
              <xs:enumeration value="submission"/>
              <xs:enumeration value="response"/>
              <xs:enumeration value="memorandum"/>
              <xs:enumeration value="minutes"/>
              <xs:enumeration value="report"/>
              <xs:enumeration value="annex"/>
              <xs:enumeration value="email"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="Direction">
            <xs:restriction base="xs:token">
              <xs:enumeration value="incoming"/>
              <xs:enumeration value="outgoing"/>
              <xs:enumeration value="internal"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="AnnexLabel">
            <xs:restriction base="xs:token">
              <xs:pattern value="Annex [A-Z]"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="MediaType">
            <xs:restriction base="xs:token">
              <xs:pattern value="[a-z]+/[A-Za-z0-9.+\\-]+"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="FileName">
            <xs:restriction base="xs:string">
              <xs:minLength value="1"/>
              <xs:maxLength value="255"/>
              <xs:pattern value="[^/\\\\]+"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="SHA256">
            <xs:restriction base="xs:string">
              <xs:pattern value="[0-9a-f]{64}"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="ProtectiveMarking">
            <xs:restriction base="xs:token">
              <xs:enumeration value="PUBLIC"/>
              <xs:enumeration value="OFFICIAL"/>
              <xs:enumeration value="OFFICIAL-SENSITIVE"/>
              <xs:enumeration value="OFFICIAL-SENSITIVE-PERSONAL"/>
              <xs:enumeration value="OFFICIAL-SENSITIVE-COMMERCIAL"/>
            </xs:restriction>
          </xs:simpleType>

          <xs:simpleType name="RelationType">
            <xs:restriction base="xs:token">
              <xs:enumeration value="isPartOf"/>
              <xs:enumeration value="hasPart"/>
              <xs:enumeration value="replies"/>
              <xs:enumeration value="isRepliedBy"/>
              <xs:enumeration value="references"/>
              <xs:enumeration value="isVersionOf"/>
              <xs:enumeration value="hasAnnex"/>
            </xs:restriction>
          </xs:simpleType>
        </xs:schema>

        """

    // MARK: - Records

    /// The UTF-8 bytes of record number `index` (1-based) for `seed`.
    static func record(_ index: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        var xml = RecordWriter()
        let year = 2019 + random.below(8)
        let month = 1 + random.below(12)
        let day = 1 + random.below(28)
        let date = "\(year)-\(pad(month, 2))-\(pad(day, 2))"
        let serial = index % 1_000_000
        let isAnnex = random.chance(0.25)
        let identifier = "HBC-\(year)-\(pad(serial, 6))" + (isAnnex ? "-\(letter(random.below(6)))" : "")
        let kind = isAnnex ? "annex" : random.pick(kinds)
        let direction = random.pick(directions)
        let subject = random.pick(subjects)
        let ourOrganisation = "Harbourside Borough Council"
        let otherOrganisation = random.pick(organisations)
        let (creatorOrganisation, addresseeOrganisation) =
            direction == "incoming"
            ? (otherOrganisation, ourOrganisation)
            : direction == "outgoing" ? (ourOrganisation, otherOrganisation) : (ourOrganisation, ourOrganisation)
        let title = random.pick(titleTemplates)
            .replacingOccurrences("{kind}", with: capitalised(kind))
            .replacingOccurrences("{subject}", with: subject)
            .replacingOccurrences("{organisation}", with: addresseeOrganisation)
        let format = random.pick(formats)
        let hour = random.below(10) + 8
        let minute = random.below(60)
        let second = random.below(60)

        xml.line(#"<?xml version="1.0" encoding="UTF-8"?>"#)
        let recorded = "\(date)T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))Z"
        xml.line(#"<md:record xmlns:md="\#(namespace)" schemaVersion="1.0" recorded="\#(recorded)">"#)
        xml.element("identifier", identifier)
        xml.element("title", title)
        xml.element("kind", kind)
        xml.element("date", date)
        xml.open("creator")
        writeParty(&xml, organisation: creatorOrganisation, random: &random, personChance: 0.8)
        xml.close("creator")
        xml.open("addressees")
        for _ in 0..<(1 + random.below(2)) {
            xml.open("addressee", depth: 2)
            writeParty(&xml, organisation: addresseeOrganisation, random: &random, personChance: 0.6, depth: 3)
            xml.close("addressee", depth: 2)
        }
        xml.close("addressees")
        xml.element("direction", direction)
        if isAnnex { xml.element("annexLabel", "Annex \(letter(random.below(6)))") }
        xml.element("format", format.mediaType)
        xml.element("size", String(2_048 + random.below(12_000_000)))
        xml.element(
            "originalFileName", "\(date) \(capitalised(kind)) re \(random.pick(fileSubjects)).\(format.fileExtension)")
        xml.element("sha256", random.hex(bytes: 32))
        var description = ""
        for _ in 0..<(1 + random.below(3)) {
            description +=
                (description.isEmpty ? "" : " ")
                + random.pick(sentences).replacingOccurrences(
                    "{subject}", with: subject)
        }
        xml.element("description", description)
        xml.element("protectiveMarking", random.pick(markings))
        let relationCount = random.below(4)
        if relationCount > 0 {
            xml.open("relations")
            for _ in 0..<relationCount {
                let targetYear = 2019 + random.below(8)
                let target = "HBC-\(targetYear)-\(pad(1 + random.below(999_999), 6))"
                xml.line(#"    <md:relation type="\#(random.pick(relationTypes))" target="\#(target)"/>"#)
            }
            xml.close("relations")
        }
        xml.line("</md:record>")
        return xml.bytes
    }

    private static func writeParty(
        _ xml: inout RecordWriter, organisation: String, random: inout SplitMix64, personChance: Double,
        depth: Int = 2
    ) {
        if random.chance(personChance) {
            xml.open("person", depth: depth)
            xml.element("name", "\(random.pick(givenNames)) \(random.pick(familyNames))", depth: depth + 1)
            if random.chance(0.85) { xml.element("position", random.pick(positions), depth: depth + 1) }
            xml.element("organisation", organisation, depth: depth + 1)
            xml.close("person", depth: depth)
        } else {
            xml.element("organisation", organisation, depth: depth)
        }
    }

    // MARK: - Vocabulary

    static let kinds = ["letter", "submission", "response", "memorandum", "minutes", "report", "email"]
    static let directions = ["incoming", "outgoing", "outgoing", "internal"]
    static let markings = [
        "OFFICIAL", "OFFICIAL", "OFFICIAL", "PUBLIC", "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE-PERSONAL",
        "OFFICIAL-SENSITIVE-COMMERCIAL",
    ]
    static let relationTypes = [
        "isPartOf", "hasPart", "replies", "isRepliedBy", "references", "isVersionOf", "hasAnnex",
    ]
    static let subjects = [
        "road resurfacing on Harbour Street", "the 2027 draft budget", "library opening hours",
        "the Riverside flood defence scheme", "planning application P/2026/0412",
        "the waste collection contract renewal", "community grants, round 3", "the Mayor's annual report",
        "allotment lease terms", "street lighting replacement", "the harbour wall survey",
        "rates arrears & hardship relief", "the Commissioners' review of governance", "the Board's standing orders",
        "the school crossing patrol at St Brigid's", "coastal erosion at Kilmore Strand",
        "the public consultation on parking charges", "a complaint about noise from Quay Road",
    ]
    static let fileSubjects = [
        "budget", "flood defences", "planning P-2026-0412", "waste contract", "grants round 3", "annual report",
        "allotments", "street lighting", "harbour wall", "hardship relief", "governance review",
        "standing orders", "crossing patrol", "coastal erosion", "parking charges", "noise complaint",
    ]
    static let titleTemplates = [
        "{kind} to {organisation} concerning {subject}", "{kind} on {subject}",
        "{kind}: {subject}", "Reply from {organisation} regarding {subject}",
        "{kind} for the Board on {subject}",
    ]
    static let organisations = [
        "Office of the Local Government Commissioners", "Regional Planning Board",
        "Harbourside Residents' Association", "Department for Housing and Communities",
        "Riverside Chamber of Commerce", "National Audit Office", "Coastal Protection Agency",
        "Parks & Recreation Trust", "Kilmore Community Council", "Environmental Protection Agency",
    ]
    static let givenNames = [
        "Aoife", "Zoë", "Jürgen", "Siobhán", "María", "Tomasz", "Grace", "Ahmed", "Eleanor", "Kwame", "Seán",
        "Ingrid", "Priya", "Oluwaseun", "Chloé", "Malgorzata", "James", "Fatima",
    ]
    static let familyNames = [
        "Ó Briain", "Müller", "Nguyen", "Okafor", "Fitzgerald", "Kowalski", "Lindqvist", "Byrne", "Ní Dhomhnaill",
        "Haddad", "Brennan", "Sørensen", "Walsh", "Ibáñez", "Chen", "MacNamara",
    ]
    static let positions = [
        "Mayor", "Chief Executive", "Governance Officer", "Director of Finance", "Senior Planning Officer",
        "Clerk to the Board", "Commissioner", "Head of Corporate Services", "Legal Adviser", "Chair",
    ]
    static let sentences = [
        "Sets out the Council's position on {subject} and asks for a decision by the end of the quarter.",
        "Responds to the points raised at the last Board meeting about {subject}.",
        "Includes the figures requested by the Commissioners and a summary of the consultation responses.",
        "Signed by the Mayor after approval by the governance team; dispatched by registered post.",
        "Refers to earlier correspondence on {subject} and encloses the revised schedule.",
        "The annex lists the affected properties and the estimated costs for each phase of the work.",
        "Personal data of residents has been redacted in the public version under the retention policy.",
        "Received by email and registered by the governance team on the date shown.",
        "Notes that the matter is to be considered again once the auditors' report is available.",
    ]
    static let formats: [(mediaType: String, fileExtension: String)] = [
        ("application/pdf", "pdf"), ("application/pdf", "pdf"), ("application/pdf", "pdf"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        ("message/rfc822", "eml"), ("image/tiff", "tif"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"), ("text/plain", "txt"),
    ]

    // MARK: - Helpers

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func letter(_ index: Int) -> String {
        String(UnicodeScalar(UInt8(ascii: "A") + UInt8(index)))
    }

    static func capitalised(_ word: String) -> String {
        word.prefix(1).uppercased() + word.dropFirst()
    }
}

/// Appends indented `md:` elements with escaped text.
struct RecordWriter {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(2_048) }

    mutating func line(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        bytes.append(UInt8(ascii: "\n"))
    }

    mutating func element(_ name: String, _ text: String, depth: Int = 1) {
        line(indent(depth) + "<md:\(name)>\(escaped(text))</md:\(name)>")
    }

    mutating func open(_ name: String, depth: Int = 1) { line(indent(depth) + "<md:\(name)>") }
    mutating func close(_ name: String, depth: Int = 1) { line(indent(depth) + "</md:\(name)>") }

    private func indent(_ depth: Int) -> String { String(repeating: "  ", count: depth) }

    private func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.append(character)
            }
        }
        return result
    }
}

/// SplitMix64: tiny, fast, and the same sequence on every platform for a given seed.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (bound > 0; the tiny modulo bias does not matter here).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func chance(_ probability: Double) -> Bool {
        Double(next() >> 11) / Double(1 << 53) < probability
    }

    mutating func pick<Element>(_ list: [Element]) -> Element { list[below(list.count)] }

    mutating func hex(bytes count: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var result: [UInt8] = []
        result.reserveCapacity(count * 2)
        for _ in 0..<count {
            let byte = UInt8(truncatingIfNeeded: next())
            result.append(digits[Int(byte >> 4)])
            result.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: result, as: UTF8.self)
    }
}

extension String {
    /// `replacingOccurrences(of:with:)` without Foundation, for the few template fields here.
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
