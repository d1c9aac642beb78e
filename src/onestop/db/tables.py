"""The schema, as SQLAlchemy Core tables. Alembic migrations in `migrations/` create exactly this."""

from __future__ import annotations

import sqlalchemy as sa

from onestop.db.types import UTCDateTime, json_type

# Constraint names are fixed so that Alembic migrations are the same on SQLite and PostgreSQL.
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

units = sa.Table(
    "units",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("units.id"), index=True),
    sa.Column("region_code", sa.String(12)),
    sa.Column("duties", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), index=True),
    sa.Column("roles", json_type(), nullable=False),
    sa.Column("password_hash", sa.String(255)),
    sa.Column("phone", sa.String(32)),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

parties = sa.Table(
    "parties",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("id_number", sa.String(32), nullable=False),
    sa.Column("phone", sa.String(32)),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("kind", "id_number", name="uq_parties_kind_id_number"),
)

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("number", sa.String(40), nullable=False, unique=True),
    # No index of its own: ix_cases_worklist leads with kind, and every index costs the tick on each update.
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("state", sa.String(64), nullable=False),
    sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), index=True),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("cases.id"), index=True),
    sa.Column("party_id", sa.Integer, sa.ForeignKey("parties.id"), index=True),
    sa.Column("payload", json_type(), nullable=False),
    sa.Column("clock", json_type()),
    # Derived from the clock and the calendar; stored so lists, rankings and the tick can use an index.
    sa.Column("clock_mode", sa.String(16), nullable=False),
    sa.Column("alarm", sa.String(16), nullable=False),
    sa.Column("due_at", UTCDateTime, index=True),
    sa.Column("due_provisional", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("next_alarm_at", UTCDateTime, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("event_count", sa.Integer, nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

case_events = sa.Table(
    "case_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("actor_id", sa.Integer),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("from_state", sa.String(64)),
    sa.Column("to_state", sa.String(64), nullable=False),
    sa.Column("data", json_type(), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.UniqueConstraint("case_id", "seq", name="uq_case_events_case_id_seq"),
)

case_counters = sa.Table(
    "case_counters",
    metadata,
    sa.Column("prefix", sa.String(8), primary_key=True),
    sa.Column("day", sa.String(8), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)

calendar_notices = sa.Table(
    "calendar_notices",
    metadata,
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("notice", json_type(), nullable=False),
    sa.Column("imported_at", UTCDateTime, nullable=False),
    sa.Column("imported_by", sa.String(64), nullable=False),
)

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", json_type(), nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# The workbench (我的待办) filters cases by kind and state (the actions a role may take), by unit (the viewer's
# scope) and sorts them by due: one index serves the filter and most of the sort (issue 3, bench.http).
sa.Index("ix_cases_worklist", cases.c.kind, cases.c.state, cases.c.unit_id, cases.c.due_at)

# -- the web shell: sessions, API tokens, public submissions, audit (issue 3) -----------------------------------

web_sessions = sa.Table(
    "web_sessions",
    metadata,
    # sha256 of the cookie value: a copy of this table does not let anyone log in.
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_seen_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False, index=True),
    sa.Column("ip", sa.String(64)),
    sa.Column("user_agent", sa.String(200)),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("prefix", sa.String(16), nullable=False),  # shown in lists so a token can be recognised
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("last_used_at", UTCDateTime),
    sa.Column("expires_at", UTCDateTime),
    sa.Column("revoked_at", UTCDateTime),
)

case_submissions = sa.Table(
    "case_submissions",
    metadata,
    # One row per case submitted by the public: who may see it (account, or number + verification code).
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), index=True),
    sa.Column("code_hash", sa.String(64), nullable=False),
    sa.Column("form", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

pii_access_log = sa.Table(
    "pii_access_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("case_number", sa.String(40), nullable=False),
    sa.Column("fields", json_type(), nullable=False),
    sa.Column("ip", sa.String(64)),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), index=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target", sa.String(200), nullable=False, server_default=""),
    sa.Column("ip", sa.String(64)),
    sa.Column("detail", json_type(), nullable=False),
)

throttle = sa.Table(
    "throttle",
    metadata,
    # Failure counters shared by every web process: "login:ip:1.2.3.4", "lookup:ip:1.2.3.4".
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("window_start", UTCDateTime, nullable=False),
)

# -- 改革任务台账: ledgers of work-plan tasks (issue 7) ----------------------------------------------------------

ledgers = sa.Table(
    "ledgers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("issuer", sa.String(200)),
    sa.Column("plan_date", sa.String(10)),  # ISO date as the plan states it
    sa.Column("source", sa.String(300), nullable=False, server_default=""),  # the imported file's name
    # 月调度: progress reports of ongoing tasks are due by this day of each month.
    sa.Column("report_day", sa.Integer, nullable=False, server_default="25"),
    sa.Column("supervisor_unit_id", sa.Integer, sa.ForeignKey("units.id")),  # the 营商办 that reviews
    sa.Column("plan", json_type(), nullable=False),  # the parse the person confirmed
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
)

ledger_tasks = sa.Table(
    "ledger_tasks",
    metadata,
    # One row per task: its place in the ledger and the columns lists filter on; the task itself is a case.
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ledger_id", sa.Integer, sa.ForeignKey("ledgers.id"), nullable=False, index=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, unique=True),
    sa.Column("lead_unit_id", sa.Integer, sa.ForeignKey("units.id"), index=True),
    sa.Column("deadline", sa.Date),
    sa.Column("ongoing", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("ledger_id", "seq", name="uq_ledger_tasks_ledger_id_seq"),
)

unit_aliases = sa.Table(
    "unit_aliases",
    metadata,
    # A unit name as plans write it (normalised), mapped once by a person to a unit of this deployment.
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False, index=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
)

# Read models (indicators, bulletins, rankings) ask for "events of this action in this period": without this
# index they walk every event of the period through ix_case_events_at. case_id makes it covering: the cases
# come straight from the index (bench/evaluation.py).
sa.Index("ix_case_events_action_at", case_events.c.action, case_events.c.at, case_events.c.case_id)

# -- 营商环境评价: entered indicator values and their review (issue 8) -------------------------------------------

evaluation_entries = sa.Table(
    "evaluation_entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    # The region evaluated (a REGION unit), the period (2026Q3) and the component key (gov_services.online_rate).
    sa.Column("region_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
    sa.Column("period", sa.String(16), nullable=False, index=True),
    sa.Column("indicator", sa.String(100), nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), index=True),  # the unit that reported it
    sa.Column("evidence", json_type(), nullable=False),  # file names of the 佐证材料
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("entered_by", sa.String(64), nullable=False),
    sa.Column("reviewed_by", sa.String(64)),
    sa.Column("review_comment", sa.Text, nullable=False, server_default=""),
    sa.Column("history", json_type(), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("region_id", "period", "indicator", name="uq_evaluation_entries_region_period_indicator"),
)

# -- 一窗受理: catalogue versions, applications and materials (issue 4; migration 0006) -------------------------

window_catalog_versions = sa.Table(
    "window_catalog_versions",
    metadata,
    # Each catalogue release the deployment accepted applications under: its number means one content (hash).
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("items", sa.Integer, nullable=False),
    sa.Column("bundles", sa.Integer, nullable=False),
    sa.Column("first_used_at", UTCDateTime, nullable=False),
)

window_materials = sa.Table(
    "window_materials",
    metadata,
    # One row per material an application asks for: its status (provided, 免提交, 容缺, …) as last checked.
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("code", sa.String(48), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("given", sa.String(16)),  # the form handed in (original, copy, electronic); null if none
    sa.Column("defect", sa.String(200), nullable=False, server_default=""),
    sa.Column("certificate_number", sa.String(64)),  # the e-certificate that made it 免提交
    sa.Column("reason", sa.String(300), nullable=False, server_default=""),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("case_id", "code", name="uq_window_materials_case_id_code"),
)
# 容缺 materials still outstanding, across applications (issuance desk, reminders).
sa.Index("ix_window_materials_status", window_materials.c.status, window_materials.c.case_id)

# -- 电子证照: certificates and signing keys (issue 4; migration 0007) --------------------------------------------

cert_keys = sa.Table(
    "cert_keys",
    metadata,
    # Public keys only: verification needs nothing secret. The private keys live in the key directory.
    sa.Column("key_id", sa.String(32), primary_key=True),
    sa.Column("algorithm", sa.String(16), nullable=False),
    sa.Column("public_key", sa.Text, nullable=False),  # PEM, SubjectPublicKeyInfo
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("retired_at", UTCDateTime),  # no longer signs; still verifies what it signed
)

certificates = sa.Table(
    "certificates",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("number", sa.String(40), nullable=False, unique=True),
    sa.Column("cert_type", sa.String(64), nullable=False),
    # The holder and issuer as signed: a later rename of the party or unit must not break the signature.
    sa.Column("type_label", sa.String(100), nullable=False),
    sa.Column("holder_party_id", sa.Integer, sa.ForeignKey("parties.id"), nullable=False),
    sa.Column("holder_kind", sa.String(16), nullable=False),
    sa.Column("holder_name", sa.String(200), nullable=False),
    sa.Column("holder_id_number", sa.String(32), nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_until", sa.Date),  # null: 长期有效
    sa.Column("data", json_type(), nullable=False),
    sa.Column("issuing_unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False, index=True),
    sa.Column("issuer_code", sa.String(64), nullable=False),
    sa.Column("issuer_name", sa.String(200), nullable=False),
    sa.Column("source_case_id", sa.Integer, sa.ForeignKey("cases.id"), index=True),
    sa.Column("issued_at", UTCDateTime, nullable=False),
    sa.Column("algorithm", sa.String(16), nullable=False),
    sa.Column("key_id", sa.String(32), sa.ForeignKey("cert_keys.key_id"), nullable=False),
    sa.Column("signature", sa.Text, nullable=False),  # base64
    sa.Column("revoked_at", UTCDateTime),
    sa.Column("revoked_by", sa.String(64)),
    sa.Column("revoke_reason", sa.Text),
)

# 免提交: "this party's certificates of these types valid on this day" is asked at every intake.
sa.Index(
    "ix_certificates_holder_type_validity",
    certificates.c.holder_party_id,
    certificates.c.cert_type,
    certificates.c.valid_until,
)

cert_counters = sa.Table(
    "cert_counters",
    metadata,
    # Serials of certificate numbers, per type prefix, region and year (YYZZ-441624-2026-000042).
    sa.Column("prefix", sa.String(8), primary_key=True),
    sa.Column("region", sa.String(6), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)

# -- 好差评: ratings (issue 6; migration 0008) ----------------------------------------------------------------------

ratings = sa.Table(
    "ratings",
    metadata,
    # One rating of one finished case by one channel (CONTRACTS.md: oversight and evaluation read this table).
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("case_kind", sa.String(64), nullable=False),
    sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), index=True),  # the responsible unit
    sa.Column("item_code", sa.String(64)),  # service item code, bundle code or hotline category
    sa.Column("channel", sa.String(16), nullable=False),  # window_device online app phone sms
    sa.Column("scope", sa.String(8), nullable=False),  # case 一次一评 | bundle 一事一评
    sa.Column("level", sa.SmallInteger, nullable=False),  # 5 非常满意 … 1 非常不满意
    sa.Column("bad", sa.Boolean, nullable=False),  # level <= 2
    sa.Column("real_name", sa.Boolean, nullable=False),
    sa.Column("party_id", sa.Integer, sa.ForeignKey("parties.id")),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    sa.Column("tags", json_type(), nullable=False),
    sa.Column("rated_at", UTCDateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # valid | annulled
    sa.Column("annulled_at", UTCDateTime),
    sa.Column("rectification_case_id", sa.Integer, sa.ForeignKey("cases.id")),
    sa.UniqueConstraint("case_id", "channel", name="uq_ratings_case_id_channel"),
)
sa.Index("ix_ratings_unit_id_rated_at", ratings.c.unit_id, ratings.c.rated_at)

rating_appeals = sa.Table(
    "rating_appeals",
    metadata,
    # The appeal case against a rating; one per rating (一评一诉), so a rejected appeal cannot be filed again.
    # The decision is kept here too so lists of annulled ratings show why without reading the case's events.
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("rating_id", sa.Integer, sa.ForeignKey("ratings.id"), nullable=False, unique=True),
    sa.Column("ground", sa.String(32), nullable=False),
    sa.Column("filed_at", UTCDateTime, nullable=False),
    sa.Column("decision", sa.String(16)),  # annulled | rejected; null while under review
    sa.Column("decision_reason", sa.Text),
    sa.Column("decided_at", UTCDateTime),
    sa.Column("decided_by", sa.String(64)),
)

# -- 效能监察: supervision rules, orders, scorecards (issue 6; migration 0009) ---------------------------------------

supervision_hits = sa.Table(
    "supervision_hits",
    metadata,
    # One row per supervision order: which rule (or "manual") raised it on which case. The unique (rule, case,
    # seq) makes two tick workers that find the same hit collide instead of raising two orders; a new order
    # for the same pair takes the next seq, and only once the previous one is closed.
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("rule_code", sa.String(40), nullable=False),
    sa.Column("subject_case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("order_case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, unique=True),
    sa.Column("raised_at", UTCDateTime, nullable=False),
    sa.Column("raised_by", sa.String(64), nullable=False),
    sa.UniqueConstraint("rule_code", "subject_case_id", "seq", name="uq_supervision_hits_rule_case_seq"),
)

oversight_settings = sa.Table(
    "oversight_settings",
    metadata,
    # A deployment's overrides of the bundled rules and scorecard (oversight/data/*.toml), checked on save.
    sa.Column("key", sa.String(32), primary_key=True),  # "rules" | "scorecard"
    sa.Column("value", json_type(), nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("updated_by", sa.String(64), nullable=False),
)


# -- 12345: hotline requests, knowledge base, Open311 (issue 5; migration 0010) -----------------------------------

hotline_kb = sa.Table(
    "hotline_kb",
    metadata,
    # 知识库: what operators answer consultations from (直接答复); units keep their entries current.
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("question", sa.String(300), nullable=False),
    sa.Column("answer", sa.Text, nullable=False),
    sa.Column("keywords", json_type(), nullable=False),
    sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), index=True),
    sa.Column("category", sa.String(16)),
    sa.Column("valid_from", sa.Date),
    sa.Column("valid_until", sa.Date),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("hits", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
)

hotline_requests = sa.Table(
    "hotline_requests",
    metadata,
    # One row per 12345 request (the case holds state and clock): who called, from where, what they said.
    # Phone and ID numbers live only here, never in the case payload or its hash-chained events.
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("category", sa.String(16), nullable=False),
    sa.Column("urgency", sa.String(16), nullable=False),
    sa.Column("requester_name", sa.String(50), nullable=False),
    sa.Column("phone", sa.String(32), index=True),
    sa.Column("id_number", sa.String(18)),
    sa.Column("anonymous", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("email", sa.String(200)),
    sa.Column("address", sa.String(200), nullable=False, server_default=""),
    # The address folded for duplicate detection (同一地点).
    sa.Column("place_key", sa.String(120), nullable=False, server_default="", index=True),
    sa.Column("region_code", sa.String(12)),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("service_code", sa.String(64)),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("master_case_id", sa.Integer, sa.ForeignKey("cases.id"), index=True),  # 并单: the request it follows
    sa.Column("kb_entry_id", sa.Integer, sa.ForeignKey("hotline_kb.id")),  # 直接答复 from this entry
    sa.Column("client_user_id", sa.Integer, sa.ForeignKey("users.id")),  # the operator or API account
    sa.Column("received_at", UTCDateTime, nullable=False, index=True),
)
