import DynamoModel

/// One step of a document path: a map key (or top-level attribute) or a list index.
public enum PathElement: Sendable, Hashable {
    case attribute(String)
    case index(Int)
}

/// A resolved document path such as `a.b[2].c`, placeholders replaced by their names.
public struct DocumentPath: Sendable, Hashable, CustomStringConvertible {
    public var elements: [PathElement]

    public init(_ elements: [PathElement]) {
        self.elements = elements
    }

    public init(attribute: String) {
        elements = [.attribute(attribute)]
    }

    /// The top-level attribute the path starts with.
    public var attribute: String {
        if case let .attribute(name) = elements[0] { return name }
        return ""
    }

    public var isTopLevel: Bool { elements.count == 1 }

    /// DynamoDB's rendering in messages: `[a, b, [2], c]`.
    public var description: String {
        "["
            + elements.map { element in
                switch element {
                case let .attribute(name): name
                case let .index(i): "[\(i)]"
                }
            }.joined(separator: ", ") + "]"
    }
}

/// A value-producing operand, resolved: evaluated against an item.
public indirect enum Operand: Sendable, Equatable {
    case path(DocumentPath)
    case value(AttributeValue)
    case size(Operand)
    case ifNotExists(DocumentPath, Operand)
    case listAppend(Operand, Operand)
    case add(Operand, Operand)
    case subtract(Operand, Operand)
}

public enum Comparator: String, Sendable, Equatable {
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// A condition (ConditionExpression, FilterExpression, KeyConditionExpression, legacy Expected and
/// filters all become one of these).
public indirect enum Condition: Sendable, Equatable {
    case comparison(Comparator, Operand, Operand)
    case between(Operand, Operand, Operand)
    case isIn(Operand, [Operand])
    case attributeExists(DocumentPath)
    case attributeNotExists(DocumentPath)
    /// Usually a path; the service also takes a value placeholder as the first operand.
    case attributeType(Operand, Operand)
    case beginsWith(Operand, Operand)
    case contains(Operand, Operand)
    /// Legacy NOT_CONTAINS: false when the attribute is missing (unlike NOT contains()).
    case notContains(Operand, Operand)
    case not(Condition)
    case and(Condition, Condition)
    case or(Condition, Condition)
    case always
}

/// One action of an update. `legacy` actions come from AttributeUpdates and follow its rules
/// (ADD appends to lists; its own type-mismatch message).
public enum UpdateAction: Sendable, Equatable {
    case set(DocumentPath, Operand)
    case remove(DocumentPath)
    case add(DocumentPath, AttributeValue)
    case delete(DocumentPath, AttributeValue)

    public var path: DocumentPath {
        switch self {
        case let .set(p, _), let .remove(p), let .add(p, _), let .delete(p, _): p
        }
    }
}

/// A whole update: its actions, applied together to the item as it was before.
public struct Update: Sendable, Equatable {
    public var actions: [UpdateAction]
    public var legacy: Bool

    public init(actions: [UpdateAction], legacy: Bool = false) {
        self.actions = actions
        self.legacy = legacy
    }

    /// The paths the update writes: what UPDATED_OLD / UPDATED_NEW project.
    public var targetPaths: [DocumentPath] { actions.map(\.path) }
}
