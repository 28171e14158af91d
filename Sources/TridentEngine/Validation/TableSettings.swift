import DynamoModel

/// `StreamSpecification` as CreateTable and UpdateTable take it.
struct StreamSettings {
    let enabled: Bool
    let viewType: StreamViewType?

    static func read(_ request: RequestFields, violations: inout ConstraintViolations) throws(DynamoError) -> StreamSettings? {
        guard let fields = try request.structure("StreamSpecification", type: "StreamSpecification") else { return nil }
        let enabled = try fields.bool("StreamEnabled")
        let view = try fields.string("StreamViewType")
        violations.notNull(enabled != nil, "streamSpecification.streamEnabled")
        violations.oneOf(view, "streamSpecification.streamViewType", StreamViewType.allCases.map(\.rawValue))
        return StreamSettings(enabled: enabled ?? false, viewType: view.flatMap(StreamViewType.init(rawValue:)))
    }

    /// The service's rules between the two members, worded for CreateTable or UpdateTable.
    func check(creating: Bool) throws(DynamoError) {
        if enabled && viewType == nil {
            throw DynamoError.invalidParameter(
                creating
                    ? "Table is being created with a stream enabled, UpdateViewType is required"
                    : "If stream is being enabled then UpdateViewType is required")
        }
        if !enabled && viewType != nil {
            throw DynamoError.invalidParameter(
                creating
                    ? "Table is being created with a stream disabled, UpdateViewType should not be specified"
                    : "If stream is being disabled, then UpdateViewType must not be specified")
        }
    }

    /// A new enabled stream (its number from the table-number counter).
    static func newStream(_ viewType: StreamViewType, number: UInt32, now: Double, shardSeconds: Double) -> TableStream {
        TableStream(number: number, label: TableStream.label(for: now), viewType: viewType, created: now, shardSeconds: shardSeconds)
    }
}

/// Tags (`Tags` of CreateTable and TagResource) and their limits.
enum TagRules {
    static let maxTags = 50

    static func read(_ list: [JSONValue]?) throws(DynamoError) -> [TableTag]? {
        guard let list else { return nil }
        var tags: [TableTag] = []
        for value in list {
            let fields = try RequestFields.structure(value, type: "Tag", asListMember: true)
            let key = try fields.string("Key")
            let tagValue = try fields.string("Value")
            guard let key, !key.isEmpty, key.count <= 128 else {
                throw DynamoError.validation("The Tag Key provided is invalid, Key: \(key ?? "null")")
            }
            guard let tagValue, tagValue.count <= 256 else {
                throw DynamoError.validation("The Tag Value provided is invalid, Value: \(tagValue ?? "null")")
            }
            if key.lowercased().hasPrefix("aws:") { throw DynamoError.validation("Tag Key cannot be prefixed with aws:, Key: \(key)") }
            if tags.contains(where: { $0.key == key }) {
                throw DynamoError.validation("Duplicate Tag Keys provided as input: Duplicate Tag Key found \(key)")
            }
            tags.append(TableTag(key: key, value: tagValue))
        }
        return tags
    }

    /// Adds `new` to `existing` (a key given again replaces its value), within the limits.
    static func merge(_ new: [TableTag], into existing: [TableTag]) throws(DynamoError) -> [TableTag] {
        var tags = existing
        for tag in new {
            if let i = tags.firstIndex(where: { $0.key == tag.key }) { tags[i] = tag } else { tags.append(tag) }
        }
        if tags.count > maxTags { throw DynamoError.validation("Number of Tags exceed the current limit for the provided ResourceArn") }
        return tags
    }
}

/// `TableClass` values.
enum TableClasses {
    static let all = ["STANDARD", "STANDARD_INFREQUENT_ACCESS"]

    static func check(_ value: String?) throws(DynamoError) {
        guard let value, !all.contains(value) else { return }
        throw DynamoError.validation(
            "Invalid table-class parameter provided. Please try again with a valid table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS].")
    }
}
