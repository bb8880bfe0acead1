"""What the registry's data-subject export, erasure and merge do with the imports (see
`orienta.people.hooks`): which imported submissions created or linked the person; an erasure
drops the import files still waiting at their sites; a merge moves the records to the
survivor."""

from orienta.imports.services import import_files_drop, submissions_follow, submissions_of

EXPORT_KEY = "imports"


def export(ids: list) -> list[dict]:
    return [
        {
            "submission": row.instance_id,
            "file": row.run.file_name,
            "line": row.line,
            "imported_at": row.created_at.isoformat(),
            "records": [
                {"type": item["type"], "code": item.get("code", ""), "linked": item["linked"]}
                for item in row.created
            ],
        }
        for row in submissions_of(list(ids))
    ]


def erase(ids: list, *, by) -> None:
    import_files_drop(person_ids=list(ids), by=by)


def merge(*, survivor, merged, by) -> None:
    submissions_follow(survivor=survivor, merged=merged, by=by)
