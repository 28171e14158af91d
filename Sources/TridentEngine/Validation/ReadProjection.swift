import DynamoExpressions
import DynamoModel

/// Which attributes a read returns: all, the legacy `AttributesToGet` names, or a ProjectionExpression.
enum ReadProjection: Sendable {
    case all
    case attributes([String])
    case paths([DocumentPath])

    func apply(_ item: Item) -> Item {
        switch self {
        case .all: item
        case let .attributes(names): Projection.project(item, attributes: names)
        case let .paths(paths): Projection.project(item, paths)
        }
    }

    /// The top-level attributes it returns (nil: all of them).
    var topLevelAttributes: [String]? {
        switch self {
        case .all: nil
        case let .attributes(names): names
        case let .paths(paths): paths.map(\.attribute)
        }
    }

    /// From `AttributesToGet` or `ProjectionExpression` (already checked not to be mixed).
    static func read(attributesToGet: [String]?, expression: String?, resolver: inout ExpressionResolver) throws(DynamoError) -> ReadProjection {
        if let attributesToGet {
            for name in attributesToGet { try AttributeNames.check(name) }
            if let duplicate = firstDuplicate(attributesToGet) {
                throw DynamoError.invalidParameter("Duplicate value in attribute name: \(duplicate)")
            }
            return .attributes(attributesToGet)
        }
        if let expression { return .paths(try resolver.projection(expression)) }
        return .all
    }

    private static func firstDuplicate(_ names: [String]) -> String? {
        var seen = Set<String>()
        return names.first { !seen.insert($0).inserted }
    }
}
