-- partnergraph embedded store. Foreign keys keep references sound; the Go
-- code checks them first so errors can name the field at fault.
CREATE TABLE IF NOT EXISTS meta (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);
INSERT OR IGNORE INTO meta (name, value) VALUES ('version', 0), ('schema', 6);

CREATE TABLE IF NOT EXISTS actors (
	id          TEXT PRIMARY KEY,
	key         TEXT NOT NULL UNIQUE,
	kind        TEXT NOT NULL,
	name        TEXT NOT NULL,
	aliases     TEXT NOT NULL DEFAULT '[]', -- other names, a JSON array (added by migrate.go)
	description TEXT NOT NULL DEFAULT '',
	title       TEXT NOT NULL DEFAULT '',
	roles       TEXT NOT NULL DEFAULT '[]',
	email       TEXT NOT NULL DEFAULT '',
	phone       TEXT NOT NULL DEFAULT '',
	org_type    TEXT NOT NULL DEFAULT '',
	sector      TEXT NOT NULL DEFAULT '',
	region      TEXT NOT NULL DEFAULT '',
	parent_id   TEXT REFERENCES actors (id) ON DELETE SET NULL,
	evidence    TEXT NOT NULL DEFAULT '{}',
	attrs       TEXT NOT NULL DEFAULT '{}' -- free-form attributes, a JSON object (added by migrate.go)
);
CREATE INDEX IF NOT EXISTS actors_name ON actors (name, id);
-- Indexes of references most rows leave empty cover only the rows that
-- have one (schema 5): a query for a value, or IN values, still uses them,
-- and an import does not sort a million NULLs into them.
CREATE INDEX IF NOT EXISTS actors_parent ON actors (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS actors_sector ON actors (sector);

-- The actor name index (actor_names) is made by migrate.go's nameIndex.

CREATE TABLE IF NOT EXISTS programmes (
	id          TEXT PRIMARY KEY,
	key         TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	aims        TEXT NOT NULL DEFAULT '[]',
	start_date  TEXT NOT NULL DEFAULT '',
	end_date    TEXT NOT NULL DEFAULT '',
	tags        TEXT NOT NULL DEFAULT '[]',
	evidence    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS programmes_name ON programmes (name, id);

CREATE TABLE IF NOT EXISTS participations (
	actor_id     TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
	programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
	role         TEXT NOT NULL,
	evidence     TEXT NOT NULL DEFAULT '{}',
	PRIMARY KEY (actor_id, programme_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS participations_programme ON participations (programme_id, actor_id);

-- A link's ID is derived from its key (graph.NewID), so one unique key
-- serves both: links are stored by key (schema 6), one b-tree, with no
-- rowid table beside it. A lookup by ID is a lookup by the key it encodes
-- (linkByID). Each secondary index ends with the key, so an actor's
-- links, or a type's, come in key order, the order pages are read in.
CREATE TABLE IF NOT EXISTS links (
	id             TEXT NOT NULL,
	key            TEXT PRIMARY KEY,
	type           TEXT NOT NULL,
	source_id      TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
	target_id      TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
	directed       INTEGER NOT NULL,
	weight         REAL NOT NULL,
	from_date      TEXT NOT NULL DEFAULT '',
	to_date        TEXT NOT NULL DEFAULT '',
	programme_id   TEXT REFERENCES programmes (id) ON DELETE SET NULL,
	brokered_by_id TEXT REFERENCES actors (id) ON DELETE SET NULL,
	evidence       TEXT NOT NULL DEFAULT '{}',
	attrs          TEXT NOT NULL DEFAULT '{}'
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS links_source ON links (source_id);
CREATE INDEX IF NOT EXISTS links_target ON links (target_id);
CREATE INDEX IF NOT EXISTS links_programme ON links (programme_id) WHERE programme_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS links_broker ON links (brokered_by_id) WHERE brokered_by_id IS NOT NULL;
-- A page of one type's links active in a window reads this index in key
-- order, and counts them, without visiting the rows.
CREATE INDEX IF NOT EXISTS links_type ON links (type, key, to_date, from_date);

-- The change log (schema 4): what each write changed, in commit order (seq),
-- written in the write's transaction. meta's changes_floor is the newest
-- version whose changes are no longer all here (pruned, or made before
-- the log existed: migrate.go sets it).
CREATE TABLE IF NOT EXISTS changes (
	seq         INTEGER PRIMARY KEY,
	version     INTEGER NOT NULL,
	op          TEXT NOT NULL,
	kind        TEXT NOT NULL DEFAULT '',
	entity_id   TEXT NOT NULL DEFAULT '',
	caller_id   TEXT NOT NULL DEFAULT '',
	caller_name TEXT NOT NULL DEFAULT '',
	at          TEXT NOT NULL,
	before      TEXT,
	after       TEXT
);
CREATE INDEX IF NOT EXISTS changes_version ON changes (version);
CREATE INDEX IF NOT EXISTS changes_entity ON changes (entity_id);
