"""How this app's models sync with site nodes (the `sync` hook: orienta/sync/classification.py).

An import made at a node is known at the central server and the other way round: a submission
imported on one side is never imported again on the other (its instanceID is unique per site).
The uploaded file itself stays where it was uploaded (it is dropped after the import), and so
do the dry run kept for a large file (it names persons) and the decisions made on it."""

SYNC = {
    "FormMapping": "site",
    "ImportRun": "site",
    "ImportedSubmission": "site",
}
SYNC_EXCLUDE = {"ImportRun": ["content", "report", "decisions"]}
