import DynamoModel

/// A stream record as stored — the item encodings it carries, not JSON, so the writer copies
/// bytes it has anyway — and its JSON as GetRecords returns it:
///
///     event (1) ‖ by TTL (1) ‖ keys ‖ old image ‖ new image      each: varint length ‖ item encoding
///
/// (an image the view type leaves out has length 0).
public enum StreamRecord {
    enum Event: UInt8 {
        case insert = 1
        case modify = 2
        case remove = 3

        var name: String {
            switch self {
            case .insert: "INSERT"
            case .modify: "MODIFY"
            case .remove: "REMOVE"
            }
        }
    }

    static func encode(_ event: Event, byTTL: Bool, keys: Item, old: [UInt8]?, new: [UInt8]?, view: StreamViewType) -> [UInt8] {
        let keyBytes = ItemEncoding.encode(keys)
        let oldBytes = view.hasOldImage ? old ?? [] : []
        let newBytes = view.hasNewImage ? new ?? [] : []
        var out: [UInt8] = []
        out.reserveCapacity(12 + keyBytes.count + oldBytes.count + newBytes.count)
        out.append(event.rawValue)
        out.append(byTTL ? 1 : 0)
        for part in [keyBytes, oldBytes, newBytes] {
            Varint.write(part.count, into: &out)
            out += part
        }
        return out
    }

    /// Writes one stored record (`bytes`, after its time) as the Streams API's JSON.
    public static func writeJSON(
        _ bytes: UnsafeRawBufferPointer, time: Double, sequence: UInt64, stream: TableStream, region: String, to w: inout JSONWriter
    ) throws {
        var reader = Varint.Reader(bytes)
        guard let event = Event(rawValue: try reader.byte()) else { throw Varint.Corrupt("stream record") }
        let byTTL = try reader.byte() == 1
        var parts: [UnsafeRawBufferPointer] = []
        for _ in 0..<3 { parts.append(try reader.slice()) }
        w.beginObject()
        w.key("eventID"); w.string(eventID(stream: stream.number, sequence: sequence))
        w.key("eventName"); w.string(event.name)
        w.key("eventVersion"); w.string("1.1")
        w.key("eventSource"); w.string("aws:dynamodb")
        w.key("awsRegion"); w.string(region)
        w.key("dynamodb")
        w.beginObject()
        // Whole seconds, as the service reports them.
        w.key("ApproximateCreationDateTime"); w.number(time.rounded(.down))
        var size = 0
        for (name, part) in zip(["Keys", "OldImage", "NewImage"], parts) where !part.isEmpty || name == "Keys" {
            w.key(name)
            size += try ItemEncoding.writeJSON(part, to: &w)
        }
        w.key("SequenceNumber"); w.string(TableStream.sequenceNumber(sequence))
        w.key("SizeBytes"); w.number(size)
        w.key("StreamViewType"); w.string(stream.viewType.rawValue)
        w.endObject()
        if byTTL {
            // The Streams API's member names (Lambda's events spell them in lower case).
            w.key("userIdentity")
            w.beginObject()
            w.key("PrincipalId"); w.string("dynamodb.amazonaws.com")
            w.key("Type"); w.string("Service")
            w.endObject()
        }
        w.endObject()
    }

    /// 32 hex digits: the stream's number and the record's sequence.
    static func eventID(stream: UInt32, sequence: UInt64) -> String {
        func hex(_ v: UInt64, _ width: Int) -> String {
            let digits = String(v, radix: 16)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return hex(UInt64(stream), 16) + hex(sequence, 16)
    }
}
