import DynamoModel
import TridentStorage

/// The zone controls the admin API exposes (`/_trident/zones`).
extension Engine {
    public struct ZoneStatus: Sendable {
        public let name: String
        /// `up`, `down` or `isolated`.
        public let state: String
        /// `leader` or `follower`.
        public let role: String
        public let appliedSequence: UInt64
        public let lagMilliseconds: Int
        /// A fingerprint of the data the zone serves, when asked for (none for a stopped zone).
        public let digest: String?
        public let itemCount: Int?
    }

    public struct ZonesStatus: Sendable {
        public let leader: String?
        public let term: UInt64
        public let zones: [ZoneStatus]
    }

    public func zonesStatus(withDigests: Bool = false) throws -> ZonesStatus {
        let report = replication.report()
        let digests = withDigests ? try replication.digests() : []
        return ZonesStatus(
            leader: report.leader, term: report.term,
            zones: report.zones.map { z in
                let d = digests.compactMap { $0 }.first { $0.name == z.name }
                return ZoneStatus(
                    name: z.name, state: z.state, role: z.role, appliedSequence: z.appliedSequence, lagMilliseconds: z.lagMilliseconds,
                    digest: d.map { String($0.digest, radix: 16) }, itemCount: d?.items)
            })
    }

    public enum ZoneAction: String, Sendable, CaseIterable {
        case stop, start, isolate, heal
    }

    /// Stops, starts, isolates or heals a zone; `done` gets nil or the reason it could not.
    public func controlZone(_ action: ZoneAction, zone: String, done: @escaping @Sendable (String?) -> Void) {
        done(replication.control(action.rawValue, zone: zone))
    }

    /// Sets how far behind a zone reads when it follows; nil or the reason it could not.
    public func setZoneLag(milliseconds: Int, zone: String) -> String? {
        replication.setLag(milliseconds, zone: zone)
    }
}

/// Per-table figures for the admin API (`/_trident/tables`): why a request was throttled.
extension Engine {
    public struct TableUsage: Sendable {
        public let name: String
        public let billingMode: String
        public let itemCount: Int
        public let sizeBytes: Int
        public let metering: Metering
        /// Banked capacity now (PROVISIONED tables only).
        public let availableReadUnits: Double?
        public let availableWriteUnits: Double?
        public let indexes: [IndexUsage]
        public let keySchema: KeySchema
        public let ttlAttribute: String?
        /// The enabled stream's view type, if any.
        public let streamViewType: String?
    }

    /// One secondary index: a global one meters its own capacity; a local one charges its table's.
    public struct IndexUsage: Sendable {
        public let name: String
        /// `global` or `local`.
        public let kind: String
        public let status: String
        public let itemCount: Int
        /// Global indexes only.
        public let metering: Metering?
        /// Milliseconds a write takes to reach the index's reads (global indexes).
        public let lagMilliseconds: Int?
    }

    /// Provisioned units and what was consumed and throttled, of a table or a global index.
    public struct Metering: Sendable {
        public let readCapacityUnits: Int
        public let writeCapacityUnits: Int
        public let consumedReadUnits: Double
        public let consumedWriteUnits: Double
        public let throttledReads: Int
        public let throttledWrites: Int

        init(_ throughput: ProvisionedThroughput, _ usage: CapacityLimiter.Usage) {
            readCapacityUnits = throughput.readCapacityUnits
            writeCapacityUnits = throughput.writeCapacityUnits
            consumedReadUnits = usage.consumedReadUnits
            consumedWriteUnits = usage.consumedWriteUnits
            throttledReads = usage.throttledReads
            throttledWrites = usage.throttledWrites
        }
    }

    public var tableCount: Int { tables.count }

    /// Tables in name order; `after` and `limit` page through them (the console lists 1,000 tables).
    public func tableUsage(after: String? = nil, prefix: String = "", limit: Int = .max) throws -> [TableUsage] {
        let all = tables.page(after: after, prefix: prefix, limit: limit)
        let figures = try store.read { reader in try all.map { try TableFigures.read(reader, $0) } }
        return zip(all, figures).map { table, figures in
            let usage = capacity.usage(of: table)
            let indexes = table.indexes.map { index in
                let global = index.kind == .global
                return IndexUsage(
                    name: index.name, kind: index.kind.rawValue, status: index.status.rawValue,
                    itemCount: figures.indexes[index.number]?.itemCount ?? 0,
                    metering: global ? Metering(index.throughput, capacity.usage(of: index, in: table)) : nil,
                    lagMilliseconds: global ? indexLag(index) : nil)
            }
            return TableUsage(
                name: table.name, billingMode: table.billingMode.rawValue, itemCount: figures.table.itemCount,
                sizeBytes: figures.table.sizeBytes,
                metering: Metering(table.throughput, usage), availableReadUnits: usage.availableReadUnits,
                availableWriteUnits: usage.availableWriteUnits, indexes: indexes, keySchema: table.keySchema, ttlAttribute: table.ttlAttribute,
                streamViewType: table.streams.first(where: \.isEnabled)?.viewType.rawValue)
        }
    }
}
