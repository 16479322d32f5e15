/* schema.c: the store's tables, one migration per schema version (see docs/store.md). */
#include "store/schema.h"

#include "bont/store.h"

/* The CHECK constraints repeat what the library validates, so that a file written by a buggy
 * or foreign program cannot hold a record bont would misread. `date(x) IS x` holds only for a
 * real calendar date in YYYY-MM-DD form. Records of care are never deleted: the triggers make a
 * DELETE fail instead of losing a visit silently. */
static const char migration_1[] =
    "CREATE TABLE patients ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL CHECK (length(trim(name)) > 0),"
    "  birth_date TEXT NOT NULL CHECK (date(birth_date) IS birth_date),"
    "  sex TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),"
    "  weight_kg REAL CHECK (weight_kg IS NULL OR (weight_kg > 0 AND weight_kg < 700)),"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE patient_terms ("
    "  patient_id INTEGER NOT NULL REFERENCES patients(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('condition', 'medication', 'allergy')),"
    "  name TEXT NOT NULL CHECK (length(name) > 0),"
    "  PRIMARY KEY (patient_id, kind, name));"
    "CREATE TABLE vials ("
    "  id INTEGER PRIMARY KEY,"
    "  product TEXT NOT NULL,"
    "  lot TEXT NOT NULL CHECK (length(trim(lot)) > 0),"
    "  expiry TEXT NOT NULL CHECK (date(expiry) IS expiry),"
    "  vial_units REAL CHECK (vial_units IS NULL OR vial_units > 0),"
    "  diluent_ml REAL CHECK (diluent_ml IS NULL OR diluent_ml >= 0),"
    "  reconstituted_at TEXT);"
    "CREATE INDEX vials_lot ON vials(lot COLLATE NOCASE);"
    "CREATE TABLE visits ("
    "  id INTEGER PRIMARY KEY,"
    "  patient_id INTEGER NOT NULL REFERENCES patients(id),"
    "  vial_id INTEGER NOT NULL REFERENCES vials(id),"
    "  date TEXT NOT NULL CHECK (date(date) IS date),"
    "  injected_at TEXT,"
    "  indication TEXT NOT NULL,"
    "  total_units REAL NOT NULL CHECK (total_units > 0),"
    "  n_injections INTEGER NOT NULL CHECK (n_injections > 0),"
    "  override_reason TEXT CHECK (override_reason IS NULL OR length(trim(override_reason)) > 0),"
    "  findings_json TEXT,"
    "  recorded_at TEXT NOT NULL);"
    "CREATE INDEX visits_patient ON visits(patient_id, date);"
    "CREATE INDEX visits_vial ON visits(vial_id);"
    "CREATE TABLE injections ("
    "  id INTEGER PRIMARY KEY,"
    "  visit_id INTEGER NOT NULL REFERENCES visits(id),"
    "  seq INTEGER NOT NULL,"
    "  muscle TEXT NOT NULL,"
    "  side TEXT CHECK (side IS NULL OR side IN ('left', 'right')),"
    "  units REAL NOT NULL CHECK (units > 0),"
    "  volume_ml REAL CHECK (volume_ml IS NULL OR volume_ml >= 0),"
    "  sites INTEGER NOT NULL CHECK (sites >= 1),"
    "  guidance TEXT CHECK (guidance IS NULL OR"
    "                       guidance IN ('emg', 'ultrasound', 'stimulation', 'palpation')),"
    "  UNIQUE (visit_id, seq));"
    "CREATE TABLE outcomes ("
    "  id INTEGER PRIMARY KEY,"
    "  patient_id INTEGER NOT NULL REFERENCES patients(id),"
    "  visit_id INTEGER REFERENCES visits(id),"
    "  scale TEXT NOT NULL CHECK (length(scale) > 0),"
    "  score REAL NOT NULL,"
    "  date TEXT NOT NULL CHECK (date(date) IS date),"
    "  note TEXT);"
    "CREATE INDEX outcomes_patient ON outcomes(patient_id, date);"
    "CREATE TABLE adverse_events ("
    "  id INTEGER PRIMARY KEY,"
    "  patient_id INTEGER NOT NULL REFERENCES patients(id),"
    "  visit_id INTEGER NOT NULL REFERENCES visits(id),"
    "  what TEXT NOT NULL CHECK (length(trim(what)) > 0),"
    "  onset_day INTEGER NOT NULL CHECK (onset_day >= 0),"
    "  severity TEXT NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe')),"
    "  resolved_date TEXT CHECK (resolved_date IS NULL OR date(resolved_date) IS resolved_date),"
    "  note TEXT);"
    "CREATE INDEX adverse_events_patient ON adverse_events(patient_id);"
    "CREATE TRIGGER patients_keep BEFORE DELETE ON patients"
    "  BEGIN SELECT RAISE(ABORT, 'patient records are never deleted'); END;"
    "CREATE TRIGGER visits_keep BEFORE DELETE ON visits"
    "  BEGIN SELECT RAISE(ABORT, 'visit records are never deleted'); END;"
    "CREATE TRIGGER injections_keep BEFORE DELETE ON injections"
    "  BEGIN SELECT RAISE(ABORT, 'injection records are never deleted'); END;";

/* Version 2: the date a visit's effect wore off, the observation the personal duration
 * estimate learns from (docs/store.md#personal-duration). */
static const char migration_2[] =
    "ALTER TABLE visits ADD COLUMN wore_off_date TEXT"
    "  CHECK (wore_off_date IS NULL OR date(wore_off_date) IS wore_off_date);";

/* Version 3: users, login sessions and the append-only audit log (docs/store.md, Users,
 * sessions and audit; include/bont/access.h). Users are disabled, never deleted, because audit
 * entries name them; sessions hold a hash of the id only. */
static const char migration_3[] =
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 64),"
    "  role TEXT NOT NULL CHECK (role IN ('admin', 'clinician')),"
    "  password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),"
    "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
    "  failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),"
    "  locked_until INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL);"
    "CREATE TRIGGER users_keep BEFORE DELETE ON users"
    "  BEGIN SELECT RAISE(ABORT, 'users are disabled, never deleted'); END;"
    "CREATE TABLE sessions ("
    "  id_hash BLOB PRIMARY KEY CHECK (length(id_hash) = 32),"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  csrf_key BLOB NOT NULL CHECK (length(csrf_key) = 32),"
    "  created_at INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL);"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  user_name TEXT NOT NULL,"
    "  remote TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (length(kind) > 0),"
    "  method TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  status INTEGER NOT NULL,"
    "  patient_id INTEGER,"
    "  detail TEXT NOT NULL);"
    "CREATE INDEX audit_patient ON audit(patient_id);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

const char *const bont__store_migrations[] = {migration_1, migration_2, migration_3};
const size_t bont__store_n_migrations =
    sizeof bont__store_migrations / sizeof bont__store_migrations[0];

_Static_assert(sizeof bont__store_migrations / sizeof bont__store_migrations[0] ==
                   BONT_STORE_SCHEMA_VERSION,
               "one migration per schema version");
