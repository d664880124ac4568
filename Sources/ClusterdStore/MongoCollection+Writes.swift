internal import CMongoC

extension MongoCollection {
    /// Replaces the first matching document as a whole; returns how many were matched.
    func replaceOne(_ filter: BSONDocument, _ replacement: BSONDocument) throws -> Int {
        var error = bson_error_t()
        let result = try BSONStorage.withReply { reply in
            let ok = try filter.withBSON { filterBSON in
                try replacement.withBSON { replacementBSON in
                    mongoc_collection_replace_one(handle, filterBSON, replacementBSON, nil, reply, &error)
                }
            }
            guard ok else { throw StoreError(error, context: "replace in \(name)") }
            return BSONDocument(bson: reply)
        }
        return result["matchedCount"]?.intValue ?? 0
    }
}
