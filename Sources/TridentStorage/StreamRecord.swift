import DynamoModel

/// A stream record's JSON as GetRecords returns it, built when the change is written.
enum StreamRecord {
    enum Event: String {
        case insert = "INSERT"
        case modify = "MODIFY"
        case remove = "REMOVE"
    }

    /// The record of `old` becoming `new` (nil: absent) in `table`; nil when nothing changed.
    static func event(old: Item?, new: Item?) -> Event? {
        switch (old, new) {
        case (nil, .some): .insert
        case (.some, nil): .remove
        case let (old?, new?): old == new ? nil : .modify
        case (nil, nil): nil
        }
    }

    static func json(
        _ event: Event, table: TableDefinition, stream: TableStream, old: Item?, new: Item?, time: Double, sequence: UInt64, byTTL: Bool
    ) -> [UInt8] {
        let keys = (new ?? old ?? [:]).filter { table.keySchema.isKey($0.key) }
        let newImage = stream.viewType.hasNewImage ? new : nil
        let oldImage = stream.viewType.hasOldImage ? old : nil
        var w = JSONWriter()
        w.beginObject()
        w.key("eventID"); w.string(eventID(stream: stream.number, sequence: sequence))
        w.key("eventName"); w.string(event.rawValue)
        w.key("eventVersion"); w.string("1.1")
        w.key("eventSource"); w.string("aws:dynamodb")
        w.key("awsRegion"); w.string(region(of: table))
        w.key("dynamodb")
        w.beginObject()
        // Whole seconds, as the service reports them.
        w.key("ApproximateCreationDateTime"); w.number(time.rounded(.down))
        w.key("Keys"); w.item(keys)
        if let newImage {
            w.key("NewImage"); w.item(newImage)
        }
        if let oldImage {
            w.key("OldImage"); w.item(oldImage)
        }
        w.key("SequenceNumber"); w.string(TableStream.sequenceNumber(sequence))
        w.key("SizeBytes"); w.number(ItemSize.of(keys) + (newImage.map(ItemSize.of) ?? 0) + (oldImage.map(ItemSize.of) ?? 0))
        w.key("StreamViewType"); w.string(stream.viewType.rawValue)
        w.endObject()
        if byTTL {
            w.key("userIdentity")
            w.beginObject()
            // The Streams API's member names (Lambda's events spell them in lower case).
            w.key("PrincipalId"); w.string("dynamodb.amazonaws.com")
            w.key("Type"); w.string("Service")
            w.endObject()
        }
        w.endObject()
        return w.bytes
    }

    /// 32 hex digits: the stream's number and the record's sequence.
    static func eventID(stream: UInt32, sequence: UInt64) -> String {
        func hex(_ v: UInt64, _ width: Int) -> String {
            let digits = String(v, radix: 16)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return hex(UInt64(stream), 16) + hex(sequence, 16)
    }

    static func region(of table: TableDefinition) -> String {
        let parts = table.arn.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 3 ? String(parts[3]) : ""
    }
}
