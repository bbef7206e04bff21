import SQLKit

/// The search tables and triggers of each database, for `CreateSearchIndex`.
enum SearchSchema {
    /// Words are what the app folded (`SearchText`): letters, digits and marks. FTS5 keeps marks
    /// inside words (by default it splits on them) and leaves accents alone, which the app has
    /// folded; `Cn` keeps letters newer than FTS5's Unicode tables inside words too.
    private static let fts5Options = """
        content='', contentless_delete=1, prefix='2 3', tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M* Cn'"
        """

    // SQLite: queuing a record again gives its entry a new random stamp.
    private static let queue = "INSERT INTO search_pending (kind, ref, stamp)"
    private static let requeue = "ON CONFLICT (kind, ref) DO UPDATE SET stamp = excluded.stamp"

    static func createSQLite(_ sql: any SQLDatabase) async throws {
        try await createSQLiteFullText(sql)
        // Dropped again by `DropRedundantIndexes`.
        try await sql.raw("CREATE INDEX search_documents_ref ON search_documents (ref)").run()
        try await sql.raw("CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID").run()
        // `seq` orders the queue; `stamp` is new each time a record is queued (again), so indexing
        // clears an entry only if the record has not changed since it was read.
        try await sql.raw("""
            CREATE TABLE search_pending (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, ref NOT NULL,
                                         stamp INTEGER NOT NULL, UNIQUE (kind, ref))
            """).run()
        for (table, kind, columns) in CreateSearchIndex.watched {
            let queueNew = "\(queue) VALUES ('\(kind.rawValue)', NEW.id, random()) \(requeue);"
            let changed = columns.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: table)_search_insert AFTER INSERT ON \(unsafeRaw: table)
                BEGIN \(unsafeRaw: queueNew) END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: table)_search_update AFTER UPDATE OF \(unsafeRaw: columns.joined(separator: ", ")) ON \(unsafeRaw: table)
                WHEN \(unsafeRaw: changed) BEGIN \(unsafeRaw: queueNew) END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: table)_search_delete AFTER DELETE ON \(unsafeRaw: table)
                BEGIN \(unsafeRaw: queue) VALUES ('\(unsafeRaw: kind.rawValue)', OLD.id, random()) \(unsafeRaw: requeue); END
                """).run()
        }
        // A meeting's and a follow-up's words include their student's name.
        try await sql.raw("""
            CREATE TRIGGER students_search_rename AFTER UPDATE OF name ON students WHEN OLD.name IS NOT NEW.name
            BEGIN
              \(unsafeRaw: queue) SELECT 'consultation', id, random() FROM consultations WHERE student_id = NEW.id \(unsafeRaw: requeue);
              \(unsafeRaw: queue) SELECT 'follow_up', id, random() FROM follow_ups WHERE student_id = NEW.id \(unsafeRaw: requeue);
            END
            """).run()
    }

    /// The full-text tables and the records their rows stand for (`SQLiteSearchIndex`).
    static func createSQLiteFullText(_ sql: any SQLDatabase) async throws {
        try await sql.raw("""
            CREATE TABLE search_documents (rowid INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref NOT NULL, UNIQUE (kind, ref))
            """).run()
        try await sql.raw("CREATE VIRTUAL TABLE search_full USING fts5(words, \(unsafeRaw: fts5Options))").run()
        try await sql.raw("CREATE VIRTUAL TABLE search_titles USING fts5(words, \(unsafeRaw: fts5Options))").run()
    }

    static func dropSQLiteFullText(_ sql: any SQLDatabase) async throws {
        for table in ["search_titles", "search_full", "search_documents"] {
            try await sql.raw("DROP TABLE IF EXISTS \(unsafeRaw: table)").run()
        }
    }

    static func dropSQLite(_ sql: any SQLDatabase) async throws {
        for (table, _, _) in CreateSearchIndex.watched {
            for event in ["insert", "update", "delete"] {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_search_\(unsafeRaw: event)").run()
            }
        }
        try await sql.raw("DROP TRIGGER IF EXISTS students_search_rename").run()
        for table in ["search_pending", "search_terms", "search_titles", "search_full", "search_documents"] {
            try await sql.raw("DROP TABLE IF EXISTS \(unsafeRaw: table)").run()
        }
    }

    static func createPostgres(_ sql: any SQLDatabase) async throws {
        try await sql.raw("""
            CREATE TABLE search_documents (
              kind text NOT NULL, ref uuid NOT NULL, date timestamptz NOT NULL,
              words tsvector NOT NULL, title_words tsvector NOT NULL, PRIMARY KEY (kind, ref))
            """).run()
        try await sql.raw("CREATE INDEX search_documents_words ON search_documents USING GIN (words)").run()
        try await sql.raw("CREATE INDEX search_documents_title_words ON search_documents USING GIN (title_words)").run()
        try await sql.raw("CREATE INDEX search_documents_date ON search_documents (date DESC, kind, ref)").run()
        try await createPostgresTerms(sql)
        try await sql.raw("""
            CREATE TABLE search_pending (kind text NOT NULL, ref uuid NOT NULL, seq bigserial NOT NULL, PRIMARY KEY (kind, ref))
            """).run()
        // Indexing takes the queue in `seq` order.
        try await sql.raw("CREATE INDEX search_pending_seq ON search_pending (seq)").run()
        // Queuing a record already queued gives it a new `seq`: indexing, which read the old one,
        // leaves the entry for its next batch.
        try await sql.raw("""
            CREATE FUNCTION crm_search_queue() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO search_pending (kind, ref)
              VALUES (TG_ARGV[0], CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)
              ON CONFLICT (kind, ref) DO UPDATE SET seq = nextval(pg_get_serial_sequence('search_pending', 'seq'));
              RETURN NULL;
            END $$
            """).run()
        try await sql.raw("""
            CREATE FUNCTION crm_search_queue_student_records() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO search_pending (kind, ref)
              SELECT 'consultation', id FROM consultations WHERE student_id = NEW.id
              UNION ALL SELECT 'follow_up', id FROM follow_ups WHERE student_id = NEW.id
              ON CONFLICT (kind, ref) DO UPDATE SET seq = nextval(pg_get_serial_sequence('search_pending', 'seq'));
              RETURN NULL;
            END $$
            """).run()
        for (table, kind, columns) in CreateSearchIndex.watched {
            let changed = columns.map { "OLD.\($0) IS DISTINCT FROM NEW.\($0)" }.joined(separator: " OR ")
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: table)_search_insert_delete AFTER INSERT OR DELETE ON \(unsafeRaw: table)
                FOR EACH ROW EXECUTE FUNCTION crm_search_queue('\(unsafeRaw: kind.rawValue)')
                """).run()
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: table)_search_update AFTER UPDATE OF \(unsafeRaw: columns.joined(separator: ", ")) ON \(unsafeRaw: table)
                FOR EACH ROW WHEN (\(unsafeRaw: changed)) EXECUTE FUNCTION crm_search_queue('\(unsafeRaw: kind.rawValue)')
                """).run()
        }
        try await sql.raw("""
            CREATE TRIGGER students_search_rename AFTER UPDATE OF name ON students
            FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION crm_search_queue_student_records()
            """).run()
    }

    /// Every word ever indexed, as on SQLite (`PostgresSearchFunctions` expands prefixes with it).
    /// "C": byte order, so the words a prefix starts are one range of the primary key.
    static func createPostgresTerms(_ sql: any SQLDatabase) async throws {
        try await sql.raw("CREATE TABLE IF NOT EXISTS search_terms (term text COLLATE \"C\" PRIMARY KEY)").run()
    }

    static func dropPostgres(_ sql: any SQLDatabase) async throws {
        for (table, _, _) in CreateSearchIndex.watched {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_search_insert_delete ON \(unsafeRaw: table)").run()
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_search_update ON \(unsafeRaw: table)").run()
        }
        try await sql.raw("DROP TRIGGER IF EXISTS students_search_rename ON students").run()
        try await sql.raw("DROP FUNCTION IF EXISTS crm_search_queue_student_records()").run()
        try await sql.raw("DROP FUNCTION IF EXISTS crm_search_queue()").run()
        try await sql.raw("DROP TABLE IF EXISTS search_pending").run()
        try await sql.raw("DROP TABLE IF EXISTS search_terms").run()
        try await sql.raw("DROP TABLE IF EXISTS search_documents").run()
    }
}
