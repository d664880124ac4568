import ClusterdStore

/// MongoStore is the production store of the service.
extension MongoStore: ServiceStore {}
