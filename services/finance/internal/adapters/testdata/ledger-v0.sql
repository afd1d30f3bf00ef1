-- The ledger schema as every finance release before versioned migrations created it
-- (CREATE ... IF NOT EXISTS at each start): the upgrade test opens a ledger made with it.
CREATE TABLE IF NOT EXISTS contracts (
  id TEXT PRIMARY KEY,
  doc BLOB NOT NULL,            -- the contract (JSON of domain.Contract)
  released INTEGER NOT NULL,    -- periods released
  next_rev INTEGER NOT NULL,    -- next revision of the contract stream
  spent INTEGER NOT NULL,       -- pence charged
  activities INTEGER NOT NULL,
  settled INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS applied (
  event_id TEXT PRIMARY KEY,
  hash BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS charges (
  event_id TEXT PRIMARY KEY,
  contract_id TEXT NOT NULL,
  month TEXT NOT NULL,
  provider TEXT NOT NULL,
  intervention_code TEXT NOT NULL,
  intervention_id TEXT NOT NULL,
  journey_id TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  price INTEGER NOT NULL,
  pcn TEXT NOT NULL,
  segment INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS charges_month ON charges (contract_id, month);
CREATE TABLE IF NOT EXISTS payables (
  contract_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  amount INTEGER NOT NULL,
  PRIMARY KEY (contract_id, provider)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS crossings (
  contract_id TEXT NOT NULL,
  key TEXT NOT NULL,
  PRIMARY KEY (contract_id, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS scores (
  pathway_id TEXT NOT NULL,
  journey_id TEXT NOT NULL,
  point TEXT NOT NULL,
  measure TEXT NOT NULL,
  value REAL NOT NULL,
  occurred_at TEXT NOT NULL,
  contract_id TEXT NOT NULL,
  PRIMARY KEY (pathway_id, journey_id, point, measure)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  contract_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  payload BLOB NOT NULL,
  relayed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (seq) WHERE relayed = 0;
