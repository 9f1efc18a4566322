from django.db import migrations, models

SQLITE = [
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5(tokens, content='search_entry', content_rowid='id', "
    "tokenize='unicode61')",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_entry_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_entry_fts(search_entry_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_entry_fts(search_entry_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); "
    "INSERT INTO search_entry_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TABLE IF EXISTS search_entry_fts",
]
POSTGRESQL = [
    "CREATE INDEX search_entry_tsv ON search_entry USING gin (array_to_tsvector(string_to_array(tokens, ' ')))"
]
POSTGRESQL_REVERSE = ["DROP INDEX IF EXISTS search_entry_tsv"]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=20, verbose_name="类别")),
                ("object_id", models.BigIntegerField(verbose_name="对象ID")),
                (
                    "tokens",
                    models.TextField(help_text="jieba 分词结果，以空格分隔，去重、小写", verbose_name="分词"),
                ),
            ],
            options={"verbose_name": "搜索索引", "verbose_name_plural": "搜索索引", "db_table": "search_entry"},
        ),
        migrations.AddConstraint(
            model_name="searchentry",
            constraint=models.UniqueConstraint(fields=("kind", "object_id"), name="search_entry_unique"),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
