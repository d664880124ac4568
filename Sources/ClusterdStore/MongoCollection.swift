internal import CMongoC

/// A borrowed `mongoc_collection_t` with the handful of operations the store needs; valid only inside
/// `MongoStore.withCollection { }` on the thread that got it.
struct MongoCollection {
    /// The collection handle (destroyed by the lender).
    let handle: OpaquePointer
    /// The collection's name, for error messages.
    let name: String

    /// Counts of one update.
    struct UpdateResult {
        /// Documents the filter matched.
        var matched: Int
        /// Documents changed.
        var modified: Int
        /// Documents inserted by an upsert.
        var upserted: Int
    }

    /// Streams the matching documents to `body` until it returns false or the cursor is exhausted.
    func forEach(
        _ filter: BSONDocument,
        options: BSONDocument = [:],
        _ body: (BSONDocument) throws -> Bool
    ) throws {
        let cursor = try filter.withBSON { filterBSON in
            try options.withBSON { optionsBSON in
                mongoc_collection_find_with_opts(handle, filterBSON, optionsBSON, nil)
            }
        }
        try drain(cursor, context: "find on \(name)", body)
    }

    /// Streams the documents an aggregation pipeline yields to `body` until it returns false or the cursor is
    /// exhausted.
    func aggregate(_ pipeline: [BSONDocument], _ body: (BSONDocument) throws -> Bool) throws {
        let stages: BSONDocument = ["pipeline": .array(pipeline.map { .document($0) })]
        let cursor = try stages.withBSON { pipelineBSON in
            mongoc_collection_aggregate(handle, MONGOC_QUERY_NONE, pipelineBSON, nil, nil)
        }
        try drain(cursor, context: "aggregate on \(name)", body)
    }

    /// Hands each document of `cursor` to `body` until it returns false or the cursor is exhausted, then destroys
    /// the cursor; throws the cursor's error.
    private func drain(_ cursor: OpaquePointer?, context: String, _ body: (BSONDocument) throws -> Bool) throws {
        guard let cursor else { throw StoreError(.internal, "\(context) returned no cursor") }
        defer { mongoc_cursor_destroy(cursor) }
        var document: OpaquePointer?
        while mongoc_cursor_next(cursor, &document) {
            guard let document else { continue }
            guard try body(BSONDocument(bson: document)) else { return }
        }
        var error = bson_error_t()
        if mongoc_cursor_error(cursor, &error) {
            throw StoreError(error, context: context)
        }
    }

    /// All matching documents.
    func find(_ filter: BSONDocument, options: BSONDocument = [:]) throws -> [BSONDocument] {
        var documents: [BSONDocument] = []
        try forEach(filter, options: options) { document in
            documents.append(document)
            return true
        }
        return documents
    }

    /// The first matching document (in `options`' sort order), if any.
    func findOne(_ filter: BSONDocument, options: BSONDocument = [:]) throws -> BSONDocument? {
        var options = options
        options["limit"] = .int64(1)
        var found: BSONDocument?
        try forEach(filter, options: options) { document in
            found = document
            return false
        }
        return found
    }

    /// The collection's document count from its metadata (`count` without a filter): no document is read where
    /// the server keeps the number, and none is decoded where it does not.
    func estimatedCount() throws -> Int {
        var error = bson_error_t()
        let count = mongoc_collection_estimated_document_count(handle, nil, nil, nil, &error)
        guard count >= 0 else { throw StoreError(error, context: "estimated count on \(name)") }
        return Int(count)
    }

    /// Number of matching documents.
    func count(_ filter: BSONDocument) throws -> Int {
        var error = bson_error_t()
        let count = try filter.withBSON { filterBSON in
            mongoc_collection_count_documents(handle, filterBSON, nil, nil, nil, &error)
        }
        guard count >= 0 else { throw StoreError(error, context: "count on \(name)") }
        return Int(count)
    }

    /// Inserts documents with unordered bulk writes of at most `chunkSize` documents each (acknowledged by a
    /// majority of the replica set when `majority`).
    func insertMany(_ documents: [BSONDocument], chunkSize: Int = 1000, majority: Bool = false) throws {
        var start = 0
        while start < documents.count {
            let end = min(start + chunkSize, documents.count)
            _ = try bulkWrite(context: "insert into \(name)", majority: majority) { bulk, error in
                for document in documents[start..<end] {
                    let ok = try document.withBSON { bson in
                        mongoc_bulk_operation_insert_with_opts(bulk, bson, nil, &error)
                    }
                    guard ok else { return false }
                }
                return true
            }
            start = end
        }
    }

    /// One operation of a mixed bulk write.
    enum BulkOperation {
        /// Inserts a document.
        case insert(BSONDocument)
        /// Updates the first document matching `filter` (inserting one when `upsert` and none matches).
        case updateOne(filter: BSONDocument, update: BSONDocument, upsert: Bool)
    }

    /// One unordered bulk write of `update_one` operations; each pair is (filter, update).
    @discardableResult
    func bulkUpdateOne(_ operations: [(BSONDocument, BSONDocument)], upsert: Bool) throws -> BSONDocument {
        try bulkWrite(operations.map { .updateOne(filter: $0.0, update: $0.1, upsert: upsert) }).reply
    }

    /// One unordered bulk write of inserts and updates. With `toleratingDuplicateKeys`, operations that failed only
    /// with duplicate-key errors (an insert of an existing `_id`, an upsert whose filter matched no existing
    /// document) do not throw: their indexes come back in `duplicates`.
    func bulkWrite(
        _ operations: [BulkOperation],
        toleratingDuplicateKeys: Bool = false
    ) throws -> (reply: BSONDocument, duplicates: Set<Int>) {
        let upsert: BSONDocument = ["upsert": .bool(true)]
        let plain: BSONDocument = ["upsert": .bool(false)]
        let reply = try bulkWrite(context: "bulk write to \(name)", toleratingDuplicateKeys: toleratingDuplicateKeys) {
            bulk,
            error in
            for operation in operations {
                let ok: Bool
                switch operation {
                case .insert(let document):
                    ok = try document.withBSON { mongoc_bulk_operation_insert_with_opts(bulk, $0, nil, &error) }
                case .updateOne(let filter, let update, let isUpsert):
                    ok = try filter.withBSON { filterBSON in
                        try update.withBSON { updateBSON in
                            try (isUpsert ? upsert : plain).withBSON { optionsBSON in
                                mongoc_bulk_operation_update_one_with_opts(
                                    bulk,
                                    filterBSON,
                                    updateBSON,
                                    optionsBSON,
                                    &error
                                )
                            }
                        }
                    }
                }
                guard ok else { return false }
            }
            return true
        }
        var duplicates = Set<Int>()
        for failure in reply["writeErrors"]?.arrayValue ?? [] {
            if let index = failure.documentValue?["index"]?.intValue { duplicates.insert(index) }
        }
        return (reply, duplicates)
    }

    private func bulkWrite(
        context: String,
        toleratingDuplicateKeys: Bool = false,
        majority: Bool = false,
        _ fill: (OpaquePointer, inout bson_error_t) throws -> Bool
    ) throws -> BSONDocument {
        var options: BSONDocument = ["ordered": .bool(false)]
        if majority { options["writeConcern"] = .document(["w": .string("majority")]) }
        let bulk = try options.withBSON { mongoc_collection_create_bulk_operation_with_opts(handle, $0) }
        guard let bulk else { throw StoreError(.internal, "\(context): cannot create a bulk operation") }
        defer { mongoc_bulk_operation_destroy(bulk) }
        var error = bson_error_t()
        guard try fill(bulk, &error) else { throw StoreError(error, context: context) }
        return try BSONStorage.withReply { reply in
            guard mongoc_bulk_operation_execute(bulk, reply, &error) != 0 else {
                let document = BSONDocument(bson: reply)
                if toleratingDuplicateKeys, Self.onlyDuplicateKeyErrors(document) { return document }
                throw StoreError(error, context: context)
            }
            return BSONDocument(bson: reply)
        }
    }

    /// True when a bulk reply's only errors are duplicate-key write errors (code 11000), at least one.
    static func onlyDuplicateKeyErrors(_ reply: BSONDocument) -> Bool {
        guard let errors = reply["writeErrors"]?.arrayValue, !errors.isEmpty else { return false }
        let concernErrors = reply["writeConcernErrors"]?.arrayValue ?? []
        return concernErrors.isEmpty && errors.allSatisfy { $0.documentValue?["code"]?.intValue == 11000 }
    }

    /// Updates the first matching document (inserting one when `upsert` and none matches).
    func updateOne(
        _ filter: BSONDocument,
        _ update: BSONDocument,
        upsert: Bool = false,
        majority: Bool = false
    ) throws -> UpdateResult {
        try performUpdate(filter, update, upsert: upsert, many: false, majority: majority)
    }

    /// Updates every matching document.
    func updateMany(_ filter: BSONDocument, _ update: BSONDocument) throws -> UpdateResult {
        try performUpdate(filter, update, upsert: false, many: true, majority: false)
    }

    private func performUpdate(
        _ filter: BSONDocument,
        _ update: BSONDocument,
        upsert: Bool,
        many: Bool,
        majority: Bool
    ) throws -> UpdateResult {
        var options: BSONDocument = ["upsert": .bool(upsert)]
        if majority { options["writeConcern"] = .document(["w": .string("majority")]) }
        var error = bson_error_t()
        let result = try BSONStorage.withReply { reply in
            let ok = try filter.withBSON { filterBSON in
                try update.withBSON { updateBSON in
                    try options.withBSON { optionsBSON in
                        many
                            ? mongoc_collection_update_many(handle, filterBSON, updateBSON, optionsBSON, reply, &error)
                            : mongoc_collection_update_one(handle, filterBSON, updateBSON, optionsBSON, reply, &error)
                    }
                }
            }
            guard ok else { throw StoreError(error, context: "update of \(name)") }
            return BSONDocument(bson: reply)
        }
        return UpdateResult(
            matched: result["matchedCount"]?.intValue ?? 0,
            modified: result["modifiedCount"]?.intValue ?? 0,
            upserted: result["upsertedCount"]?.intValue ?? 0
        )
    }

    /// Deletes every matching document; returns how many were deleted.
    @discardableResult
    func deleteMany(_ filter: BSONDocument) throws -> Int {
        var error = bson_error_t()
        let result = try BSONStorage.withReply { reply in
            let ok = try filter.withBSON { filterBSON in
                mongoc_collection_delete_many(handle, filterBSON, nil, reply, &error)
            }
            guard ok else { throw StoreError(error, context: "delete from \(name)") }
            return BSONDocument(bson: reply)
        }
        return result["deletedCount"]?.intValue ?? 0
    }

    /// findAndModify with an update; returns the document after the update when `returnNew`, else before it.
    func findAndModify(
        _ query: BSONDocument,
        update: BSONDocument,
        upsert: Bool,
        returnNew: Bool
    ) throws -> BSONDocument? {
        guard let options = mongoc_find_and_modify_opts_new() else {
            throw StoreError(.internal, "cannot allocate findAndModify options")
        }
        defer { mongoc_find_and_modify_opts_destroy(options) }
        var flags = MONGOC_FIND_AND_MODIFY_NONE.rawValue
        if upsert { flags |= MONGOC_FIND_AND_MODIFY_UPSERT.rawValue }
        if returnNew { flags |= MONGOC_FIND_AND_MODIFY_RETURN_NEW.rawValue }
        mongoc_find_and_modify_opts_set_flags(options, mongoc_find_and_modify_flags_t(rawValue: flags))
        var error = bson_error_t()
        let result = try BSONStorage.withReply { reply in
            let ok = try update.withBSON { updateBSON in
                _ = mongoc_find_and_modify_opts_set_update(options, updateBSON)
                return try query.withBSON { queryBSON in
                    mongoc_collection_find_and_modify_with_opts(handle, queryBSON, options, reply, &error)
                }
            }
            guard ok else { throw StoreError(error, context: "findAndModify on \(name)") }
            return BSONDocument(bson: reply)
        }
        return result["value"]?.documentValue
    }

    /// Runs a write command (such as `createIndexes`) against this collection's database.
    @discardableResult
    func writeCommand(_ command: BSONDocument) throws -> BSONDocument {
        var error = bson_error_t()
        return try BSONStorage.withReply { reply in
            let ok = try command.withBSON { commandBSON in
                mongoc_collection_write_command_with_opts(handle, commandBSON, nil, reply, &error)
            }
            guard ok else { throw StoreError(error, context: "command on \(name)") }
            return BSONDocument(bson: reply)
        }
    }

    /// Names of this collection's indexes (empty when the collection does not exist).
    func indexNames() throws -> [String] {
        guard let cursor = mongoc_collection_find_indexes_with_opts(handle, nil) else { return [] }
        defer { mongoc_cursor_destroy(cursor) }
        var names: [String] = []
        var document: OpaquePointer?
        while mongoc_cursor_next(cursor, &document) {
            if let document, let name = BSONDocument(bson: document)["name"]?.stringValue { names.append(name) }
        }
        var error = bson_error_t()
        if mongoc_cursor_error(cursor, &error) { throw StoreError(error, context: "listIndexes on \(name)") }
        return names
    }
}
