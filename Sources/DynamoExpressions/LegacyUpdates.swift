import DynamoModel

/// UpdateItem's pre-expression `AttributeUpdates` (`{"attr": {"Action": "PUT", "Value": …}}`), as
/// the PHP and Ruby session handlers and DynamoDBMapper send it, translated into an `Update`.
/// `Action` defaults to PUT; DELETE without a value removes the attribute; ADD also appends to lists.
public struct LegacyUpdates {
    struct Entry {
        let attribute: String
        let action: String?
        let value: AttributeValue?
    }

    let entries: [Entry]
    private let decoder: AttributeValueDecoder

    public var attributeNames: [String] { entries.map(\.attribute) }

    public init(_ object: JSONObject) throws(DynamoError) {
        var decoder = AttributeValueDecoder()
        var entries: [Entry] = []
        for member in object.uniqueMembers {
            try AttributeNames.check(member.key)
            let fields = try RequestFields.structure(member.value, type: "AttributeValueUpdate", asListMember: true)
            entries.append(
                Entry(
                    attribute: member.key, action: try fields.string("Action"),
                    value: try fields.value("Value").map { (v) throws(DynamoError) in try decoder.decode(v) }))
        }
        self.entries = entries
        self.decoder = decoder
    }

    public func addConstraints(to violations: inout ConstraintViolations) {
        for entry in entries {
            violations.oneOf(entry.action, "attributeUpdates.\(entry.attribute).member.action", ["ADD", "PUT", "DELETE"])
        }
    }

    public func update() throws(DynamoError) -> Update {
        try decoder.check()
        var actions: [UpdateAction] = []
        for entry in entries {
            let path = DocumentPath(attribute: entry.attribute)
            let action = entry.action ?? "PUT"
            guard let value = entry.value else {
                guard action == "DELETE" else {
                    throw DynamoError.invalidParameter("Only DELETE action is allowed when no attribute value is specified")
                }
                actions.append(.remove(path))
                continue
            }
            switch action {
            case "ADD":
                guard [.number, .stringSet, .numberSet, .binarySet, .list].contains(value.type) else {
                    throw DynamoError.invalidParameter("ADD action is not supported for the type \(value.type.rawValue)")
                }
                actions.append(.add(path, value))
            case "DELETE":
                guard value.type.isSet else {
                    throw DynamoError.invalidParameter("DELETE action with value is not supported for the type \(value.type.rawValue)")
                }
                actions.append(.delete(path, value))
            default:
                actions.append(.set(path, .value(value)))
            }
        }
        return Update(actions: actions, legacy: true)
    }
}
